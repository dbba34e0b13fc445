import { api, unwrap, type BodyOf, type QueryOf } from '@/api/client';

// The aggregations feature of the API: unions, mountain communities and other groups of comuni.

export const listAggregations = (query: QueryOf<'/aggregations'>) => unwrap(api.GET('/aggregations', { params: { query } }));
export const createAggregation = (body: BodyOf<'/aggregations', 'post'>) => unwrap(api.POST('/aggregations', { body }));
export const deleteAggregation = (id: string) => unwrap(api.DELETE('/aggregations/{id}', { params: { path: { id } } }));
