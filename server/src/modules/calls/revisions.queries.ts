import type { Kysely } from 'kysely';
import { canonicalJson, diff } from '../auth/index.ts';
import type { CallRevisionsTable, Database } from '../../plugins/db/schema.ts';
import type { Selectable } from 'kysely';
import { inputOf } from './calls.mappers.ts';
import type { CallRow } from './calls.queries.ts';
import type { CallInput, RevisionAction } from './calls.schemas.ts';
import type { StepViewer } from './calls.steps.ts';

export type Revision = Selectable<CallRevisionsTable>;
type Content = Record<string, unknown>;

/** `onto`, with the fields that `to` changes from `from` laid over it. */
export function overlay(onto: Content, from: Content, to: Content): Content {
  const result = { ...onto };
  for (const [key, value] of Object.entries(to)) if (canonicalJson(value) !== canonicalJson(from[key])) result[key] = value;
  return result;
}

/**
 * What the revision would make of the call today: its own changes (content against the live version
 * it was written on) over the live content, so that a trusted source's later update is not undone.
 */
export const proposalOf = (revision: Pick<Revision, 'content' | 'base'>, live: CallRow) =>
  overlay({ ...inputOf(live) }, revision.base as Content, revision.content as Content) as unknown as CallInput;

/** The revision of a call still waiting to go live, if any; locked when a transaction will change it. */
export async function findPendingRevision(db: Kysely<Database>, callId: string, lock = false): Promise<Revision | undefined> {
  const query = db.selectFrom('call_revisions').selectAll().where('call_id', '=', callId).where('closed_at', 'is', null);
  return (lock ? query.forUpdate() : query).executeTakeFirst();
}

/** Who looks at a revision, and whether a second editor is required: decides what they may do. */
export type Viewer = StepViewer;

/** With review required, nobody approves a revision they wrote or submitted. */
export const wroteOrSubmitted = (revision: Pick<Revision, 'authors' | 'submitted_by'>, userId: string | null) =>
  userId !== null && (revision.submitted_by === userId || revision.authors.includes(userId));

export function allowedActions(revision: Revision, viewer: Viewer): RevisionAction[] {
  const actions: RevisionAction[] = [];
  if (viewer.canWrite && revision.status === 'draft') actions.push('submit');
  if (viewer.canReview && revision.status === 'in_review' && !(viewer.reviewRequired && wroteOrSubmitted(revision, viewer.userId))) actions.push('approve');
  if (viewer.canReview && (revision.status === 'approved' || !viewer.reviewRequired)) actions.push('publish');
  if (viewer.canWrite) actions.push('discard');
  return actions;
}

/** The pending revision as editors see it, with the changes it would make to the live version. */
export async function pendingRevisionOf(db: Kysely<Database>, live: CallRow, viewer: Viewer) {
  const revision = await findPendingRevision(db, live.id);
  if (!revision) return null;
  const ids = [...new Set([...revision.authors, revision.submitted_by, revision.approved_by].filter((id): id is string => id !== null))];
  const names = new Map(ids.length ? (await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute()).map((u) => [u.id, u.name]) : []);
  const person = (id: string | null) => (id === null ? null : { id, name: names.get(id) ?? '' });
  const content = proposalOf(revision, live);
  return {
    id: revision.id,
    status: revision.status as 'draft' | 'in_review' | 'approved',
    content,
    changes: diff<Record<string, unknown>>({ ...inputOf(live) }, { ...content }),
    authors: revision.authors.map((id) => person(id)!),
    source: revision.source,
    submittedBy: person(revision.submitted_by),
    approvedBy: person(revision.approved_by),
    createdAt: revision.created_at.toISOString(),
    updatedAt: revision.updated_at.toISOString(),
    allowedActions: allowedActions(revision, viewer),
  };
}
