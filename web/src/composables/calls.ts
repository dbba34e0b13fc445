import type { Ref } from 'vue';
import { api, unwrap, type BodyOf, type QueryOf, type Schemas } from '@/api/client';
import { useLoader } from './useLoader';

// The calls feature of the API: the public catalogue, the editors' work on a call and its history.

type EditorialCall = Schemas['EditorialCall'];
const byId = (id: string) => ({ params: { path: { id } } });

/** A page of the public catalogue. */
export const listCalls = (query: QueryOf<'/calls'>) => unwrap(api.GET('/calls', { params: { query } }));

/** One published call, reloaded when its id changes. */
export const useCall = (id: Ref<string>) => useLoader(() => unwrap(api.GET('/calls/{id}', byId(id.value))), [id]);

/** What changed in a call and when; the public sees its published history only. */
export const getCallHistory = (id: string, query: QueryOf<'/calls/{id}/history'> = {}) => unwrap(api.GET('/calls/{id}/history', { params: { path: { id }, query } }));
export const useCallHistory = (id: Ref<string | null>, query: QueryOf<'/calls/{id}/history'> = {}) => useLoader(async () => (id.value ? getCallHistory(id.value, query) : null), [id]);

/** The editors' lists, by queue, and how many calls wait in each. */
export const listEditorialCalls = (query: QueryOf<'/editorial/calls'>) => unwrap(api.GET('/editorial/calls', { params: { query } }));
export const getEditorialCounts = () => unwrap(api.GET('/editorial/calls/counts'));
export const getEditorialCall = (id: string) => unwrap(api.GET('/editorial/calls/{id}', byId(id)));
export const getDuplicates = (id: string) => unwrap(api.GET('/editorial/calls/{id}/duplicates', byId(id)));

export const createCall = (input: BodyOf<'/calls', 'post'>) => unwrap(api.POST('/calls', { body: input }));
export const updateCall = (id: string, input: BodyOf<'/calls/{id}', 'put'>) => unwrap(api.PUT('/calls/{id}', { params: { path: { id } }, body: input }));
export const mergeDuplicate = (id: string, duplicateId: string) => unwrap(api.POST('/calls/{id}/merge', { params: { path: { id } }, body: { duplicateId } }));

// The moves of the editorial workflow: each answers with the call as it now is.
export const submitCall = (id: string): Promise<EditorialCall> => unwrap(api.POST('/calls/{id}/submit', byId(id)));
export const approveCall = (id: string): Promise<EditorialCall> => unwrap(api.POST('/calls/{id}/approve', byId(id)));
export const publishCall = (id: string): Promise<EditorialCall> => unwrap(api.POST('/calls/{id}/publish', byId(id)));
export const scheduleCall = (id: string, publishAt: string) => unwrap(api.POST('/calls/{id}/schedule', { params: { path: { id } }, body: { publishAt } }));
export const withdrawCall = (id: string, reason: string) => unwrap(api.POST('/calls/{id}/withdraw', { params: { path: { id } }, body: { reason } }));

// The moves of a pending change to a published call.
export const submitRevision = (id: string): Promise<EditorialCall> => unwrap(api.POST('/calls/{id}/revision/submit', byId(id)));
export const approveRevision = (id: string): Promise<EditorialCall> => unwrap(api.POST('/calls/{id}/revision/approve', byId(id)));
export const publishRevision = (id: string): Promise<EditorialCall> => unwrap(api.POST('/calls/{id}/revision/publish', byId(id)));
export const discardRevision = (id: string): Promise<EditorialCall> => unwrap(api.POST('/calls/{id}/revision/discard', byId(id)));

/** "Ti è stato utile?": an anonymous answer about a call page. */
export const sendFeedback = (id: string, useful: boolean, comment: string | undefined) =>
  unwrap(api.POST('/calls/{id}/feedback', { params: { path: { id } }, body: { useful, comment } }));
