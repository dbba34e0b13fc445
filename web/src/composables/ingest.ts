import { api, unwrap, type QueryOf } from '@/api/client';

// The ingest feature of the API: the sources calls are read from, and their runs.

export const listSources = () => unwrap(api.GET('/ingest/sources'));
export const listRuns = (query: QueryOf<'/ingest/runs'>) => unwrap(api.GET('/ingest/runs', { params: { query } }));
/** Reads a source now, instead of at its next scheduled time. */
export const runSource = (id: string) => unwrap(api.POST('/ingest/sources/{id}/run', { params: { path: { id } } }));
