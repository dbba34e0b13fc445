import { api, unwrap, type QueryOf } from '@/api/client';

// The matching feature of the API: which calls fit which comuni, and why.

export const listOpportunities = (istat: string, query: QueryOf<'/comuni/{istat}/opportunities'>) => unwrap(api.GET('/comuni/{istat}/opportunities', { params: { path: { istat }, query } }));
export const getOpportunity = (istat: string, callId: string) => unwrap(api.GET('/comuni/{istat}/opportunities/{callId}', { params: { path: { istat, callId } } }));
/** The opportunities of every comune the signed-in user serves. */
export const listMyOpportunities = (query: QueryOf<'/me/opportunities'>) => unwrap(api.GET('/me/opportunities', { params: { query } }));

/** The public's view of a comune: its open calls, and the checklist of one. */
export const listOpenCalls = (istat: string, query: QueryOf<'/comuni/{istat}/open-calls'>) => unwrap(api.GET('/comuni/{istat}/open-calls', { params: { path: { istat }, query } }));
export const getOpenCallChecklist = (istat: string, callId: string) => unwrap(api.GET('/comuni/{istat}/open-calls/{callId}', { params: { path: { istat, callId } } }));

/** The comuni a call reaches, and the comuni no open call reaches. */
export const getCallMatches = (id: string, query: QueryOf<'/calls/{id}/matches'>) => unwrap(api.GET('/calls/{id}/matches', { params: { path: { id }, query } }));
export const previewMatches = (id: string) => unwrap(api.POST('/calls/{id}/match-preview', { params: { path: { id } } }));
export const listUncovered = (query: QueryOf<'/coverage/uncovered'>) => unwrap(api.GET('/coverage/uncovered', { params: { query } }));
