import { api, unwrap, type QueryOf, type Schemas } from '@/api/client';
import * as labels from '@labels';
import { longDate } from './format';

export type ApplicationStatus = Schemas['ApplicationInput']['status'];
export type Reason = NonNullable<Schemas['ApplicationInput']['reason']>;

/** In the order of the path from interest to outcome (`shared/labels.ts`, as the server writes them). */
export const APPLICATION_STATUS_LABELS: Record<ApplicationStatus, string> = labels.APPLICATION_STATUS_LABELS;
export const APPLICATION_STATUSES = Object.keys(APPLICATION_STATUS_LABELS) as ApplicationStatus[];

export const REASON_LABELS: Record<Reason, string> = labels.NOT_APPLYING_REASON_LABELS;

/** A day (YYYY-MM-DD) as every date of the app reads, weekday included: "martedì 30 marzo 2027". */
export const italianDay = (day: string | null | undefined) => (day ? longDate(`${day}T12:00:00Z`) : '—');

/** Every application of a comune by call, for the status on each opportunity card. */
export async function applicationsByCall(istat: string): Promise<Map<string, Schemas['ApplicationSummary']>> {
  const page = await unwrap(api.GET('/comuni/{istat}/applications', { params: { path: { istat }, query: { limit: 100, offset: 0 } } }));
  return new Map(page.items.map((a) => [a.callId, a]));
}

// The applications feature of the API: one comune's work on one call, its steps, notes and team.
/** PATCH bodies are JSON merge patches (RFC 7396), as the API asks. */
const MERGE_PATCH = 'application/merge-patch+json';

export interface ApplicationPath {
  istat: string;
  callId: string;
}

export const getApplication = (path: ApplicationPath) => unwrap(api.GET('/comuni/{istat}/applications/{callId}', { params: { path } }));
export const saveApplication = (path: ApplicationPath, body: Schemas['ApplicationInput']) =>
  unwrap(api.PUT('/comuni/{istat}/applications/{callId}', { params: { path }, body }));
export const followApplication = (path: ApplicationPath, following: boolean) =>
  unwrap((following ? api.PUT : api.DELETE)('/comuni/{istat}/applications/{callId}/follow', { params: { path } }));
export const changeStep = (path: ApplicationPath & { stepId: string }, body: Schemas['ApplicationStepChange']) =>
  unwrap(api.PATCH('/comuni/{istat}/applications/{callId}/steps/{stepId}', { params: { path }, body, headers: { 'content-type': MERGE_PATCH } }));
export const addStep = (path: ApplicationPath, body: { title: string; dueOn: string | null; assigneeId: string | null }) =>
  unwrap(api.POST('/comuni/{istat}/applications/{callId}/steps', { params: { path }, body }));
export const listNotes = async (path: ApplicationPath) => (await unwrap(api.GET('/comuni/{istat}/applications/{callId}/notes', { params: { path } }))).items;
export const addNote = async (path: ApplicationPath, body: string) =>
  (await unwrap(api.POST('/comuni/{istat}/applications/{callId}/notes', { params: { path }, body: { body } }))).items;
export const listTeam = async (istat: string) => (await unwrap(api.GET('/comuni/{istat}/team', { params: { path: { istat } } }))).items;
export const getBoard = (query: QueryOf<'/applications/board'>) => unwrap(api.GET('/applications/board', { params: { query } }));
export const getApplicationAnalytics = (callId: string) => unwrap(api.GET('/analytics/applications', { params: { query: { callId } } }));
