import type { Ref } from 'vue';
import { api, unwrap, type BodyOf, type QueryOf, type Schemas } from '@/api/client';
import { useLoader } from './useLoader';

// The calls feature of the API: the public catalogue, the editors' work on a call and its history.

type EditorialCall = Schemas['EditorialCall'];
const byId = (id: string) => ({ params: { path: { id } } });

/** A page of the public catalogue. */
export const listCalls = (query: QueryOf<'/api/v1/calls'>) => unwrap(api.GET('/api/v1/calls', { params: { query } }));

/** One published call, reloaded when its id changes. */
export const useCall = (id: Ref<string>) => useLoader(() => unwrap(api.GET('/api/v1/calls/{id}', byId(id.value))), [id]);

/** What changed in a call and when; the public sees its published history only. */
export const getCallHistory = (id: string, query: QueryOf<'/api/v1/calls/{id}/history'> = {}) => unwrap(api.GET('/api/v1/calls/{id}/history', { params: { path: { id }, query } }));
export const useCallHistory = (id: Ref<string | null>, query: QueryOf<'/api/v1/calls/{id}/history'> = {}) => useLoader(async () => (id.value ? getCallHistory(id.value, query) : null), [id]);

/** The editors' lists, by queue, and how many calls wait in each. */
export const listEditorialCalls = (query: QueryOf<'/api/v1/editorial/calls'>) => unwrap(api.GET('/api/v1/editorial/calls', { params: { query } }));
export const getEditorialCounts = () => unwrap(api.GET('/api/v1/editorial/calls/counts'));
export const getEditorialCall = (id: string) => unwrap(api.GET('/api/v1/editorial/calls/{id}', byId(id)));
export const getDuplicates = (id: string) => unwrap(api.GET('/api/v1/editorial/calls/{id}/duplicates', byId(id)));

export const createCall = (input: BodyOf<'/api/v1/calls', 'post'>) => unwrap(api.POST('/api/v1/calls', { body: input }));
export const updateCall = (id: string, input: BodyOf<'/api/v1/calls/{id}', 'put'>) => unwrap(api.PUT('/api/v1/calls/{id}', { params: { path: { id } }, body: input }));
export const mergeDuplicate = (id: string, duplicateId: string) => unwrap(api.POST('/api/v1/calls/{id}/merge', { params: { path: { id } }, body: { duplicateId } }));

// The moves of the editorial workflow: each answers with the call as it now is.
export const submitCall = (id: string): Promise<EditorialCall> => unwrap(api.POST('/api/v1/calls/{id}/submit', byId(id)));
export const approveCall = (id: string): Promise<EditorialCall> => unwrap(api.POST('/api/v1/calls/{id}/approve', byId(id)));
export const publishCall = (id: string): Promise<EditorialCall> => unwrap(api.POST('/api/v1/calls/{id}/publish', byId(id)));
export const scheduleCall = (id: string, publishAt: string) => unwrap(api.POST('/api/v1/calls/{id}/schedule', { params: { path: { id } }, body: { publishAt } }));
export const withdrawCall = (id: string, reason: string) => unwrap(api.POST('/api/v1/calls/{id}/withdraw', { params: { path: { id } }, body: { reason } }));

// The moves of a pending change to a published call.
export const submitRevision = (id: string): Promise<EditorialCall> => unwrap(api.POST('/api/v1/calls/{id}/revision/submit', byId(id)));
export const approveRevision = (id: string): Promise<EditorialCall> => unwrap(api.POST('/api/v1/calls/{id}/revision/approve', byId(id)));
export const publishRevision = (id: string): Promise<EditorialCall> => unwrap(api.POST('/api/v1/calls/{id}/revision/publish', byId(id)));
export const discardRevision = (id: string): Promise<EditorialCall> => unwrap(api.POST('/api/v1/calls/{id}/revision/discard', byId(id)));
