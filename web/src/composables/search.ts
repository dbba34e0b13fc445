import { api, unwrap, type QueryOf } from '@/api/client';

// The search feature of the API.

/** Calls by words and filters, with the facets asked for. */
export const searchCalls = (query: QueryOf<'/calls/search'>) => unwrap(api.GET('/calls/search', { params: { query } }));
