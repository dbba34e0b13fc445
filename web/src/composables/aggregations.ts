import { api, unwrap, type BodyOf, type QueryOf } from '@/api/client';

// The aggregations feature of the API: unions, mountain communities and other groups of comuni.

export const listAggregations = (query: QueryOf<'/api/v1/aggregations'>) => unwrap(api.GET('/api/v1/aggregations', { params: { query } }));
export const createAggregation = (body: BodyOf<'/api/v1/aggregations', 'post'>) => unwrap(api.POST('/api/v1/aggregations', { body }));
export const deleteAggregation = (id: string) => unwrap(api.DELETE('/api/v1/aggregations/{id}', { params: { path: { id } } }));
