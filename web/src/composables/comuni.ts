import { api, unwrap, type BodyOf, type QueryOf } from '@/api/client';

// The comuni feature of the API: the directory of comuni and what a comune says about itself.

export const getComune = (istat: string) => unwrap(api.GET('/api/v1/comuni/{istat}', { params: { path: { istat } } }));
/** Comuni by name or code, or the members of an aggregation. */
export const findComuni = (query: QueryOf<'/api/v1/comuni'>) => unwrap(api.GET('/api/v1/comuni', { params: { query } }));

/** The comune's interests, contacts and notes. */
export const getProfileExtras = (istat: string) => unwrap(api.GET('/api/v1/comuni/{istat}/profile', { params: { path: { istat } } }));
export const saveProfileExtras = (istat: string, body: BodyOf<'/api/v1/comuni/{istat}/profile', 'put'>) => unwrap(api.PUT('/api/v1/comuni/{istat}/profile', { params: { path: { istat } }, body }));
