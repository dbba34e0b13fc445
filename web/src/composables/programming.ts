import { api, ApiError, csrf, unwrap, type BodyOf, type QueryOf, type Schemas } from '@/api/client';

// The programming feature of the API: the interventions a comune plans.

export const listProgramming = (istat: string, query: QueryOf<'/comuni/{istat}/programming'>) => unwrap(api.GET('/comuni/{istat}/programming', { params: { path: { istat }, query } }));
export const createProgrammingItem = (istat: string, body: BodyOf<'/comuni/{istat}/programming', 'post'>) => unwrap(api.POST('/comuni/{istat}/programming', { params: { path: { istat } }, body }));
export const updateProgrammingItem = (istat: string, id: string, body: BodyOf<'/comuni/{istat}/programming/{id}', 'put'>) => unwrap(api.PUT('/comuni/{istat}/programming/{id}', { params: { path: { istat, id } }, body }));
export const deleteProgrammingItem = (istat: string, id: string) => unwrap(api.DELETE('/comuni/{istat}/programming/{id}', { params: { path: { istat, id } } }));

/** Sends a CSV of interventions as it is (text/csv, which the typed client does not send); the report of what was imported. */
export async function importProgramming(istat: string, csv: File): Promise<Schemas['ImportReport']> {
  const response = await fetch(`/api/v1/comuni/${istat}/programming/import`, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'text/csv', 'x-csrf-token': await csrf() }, body: await csv.text() });
  const body = await response.json();
  if (response.ok) return body as Schemas['ImportReport'];
  throw new ApiError(response.status, body);
}
