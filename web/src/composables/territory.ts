import { api, unwrap, type QueryOf } from '@/api/client';

// The territory and indicators features of the API: what Regione and ANCI read about the whole region.

export const getTerritory = () => unwrap(api.GET('/territory/comuni'));
/** Lombardy's comuni and provinces as SVG paths, projected by the server. */
export const getMapOutlines = () => unwrap(api.GET('/territory/outlines'));
export type MapOutlines = Awaited<ReturnType<typeof getMapOutlines>>;
export const getFunds = (province: string | undefined) => unwrap(api.GET('/territory/funds', { params: { query: { province } } }));
export const getNeeds = (province: string | undefined) => unwrap(api.GET('/analytics/needs', { params: { query: { province } } }));
export const getIndicators = (query: QueryOf<'/analytics/indicators'>) => unwrap(api.GET('/analytics/indicators', { params: { query } }));
export const setIndicatorTarget = (key: string, target: number) =>
  unwrap(api.PUT('/analytics/indicators/targets/{key}', { params: { path: { key } }, body: { target } }));
