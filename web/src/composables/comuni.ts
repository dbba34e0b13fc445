import { api, unwrap, type BodyOf, type QueryOf } from '@/api/client';

// The comuni feature of the API: the directory of comuni and what a comune says about itself.

export const getComune = (istat: string) => unwrap(api.GET('/comuni/{istat}', { params: { path: { istat } } }));
/** Comuni by name or code, or the members of an aggregation. */
export const findComuni = (query: QueryOf<'/comuni'>) => unwrap(api.GET('/comuni', { params: { query } }));

/** The comune's interests, contacts and notes. */
export const getProfileExtras = (istat: string) => unwrap(api.GET('/comuni/{istat}/profile', { params: { path: { istat } } }));
export const saveProfileExtras = (istat: string, body: BodyOf<'/comuni/{istat}/profile', 'put'>) => unwrap(api.PUT('/comuni/{istat}/profile', { params: { path: { istat } }, body }));

/** The funds a comune obtained (PNRR history), newest first. */
export const listFunding = (istat: string) => unwrap(api.GET('/comuni/{istat}/funding', { params: { path: { istat }, query: { limit: 100 } } }));
