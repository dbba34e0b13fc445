import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { analyticsCsv } from './analytics.csv.ts';
import { applicationAnalytics } from './analytics.queries.ts';
import { sendCsv, summaries, wantsCsv } from './applications.routes.ts';
import { AnalyticsQuery, BoardQuery } from './applications.schemas.ts';

/** The associated office's board across the comuni it serves, and the aggregates for ANCI and the Regione. */
const boardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/applications/board',
    {
      config: { access: { permission: 'applications:read' } },
      schema: {
        tags: ['applications'],
        operationId: 'applicationsBoard',
        summary: 'Candidature di tutti i comuni che servo: stato, prossimo passo, scadenze, ritardi (anche in CSV con Accept: text/csv)',
        querystring: BoardQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: Type.Ref('ApplicationPage'), ...problemResponses({ 401: 'Non autenticato', 403: 'Permessi insufficienti' }) },
      },
    },
    async (request, reply) => {
      const { comune, status, callId, overdue, sort, limit, offset } = request.query;
      const served = request.principal!.comuni;
      // An office sees only the comuni it serves; asking for others narrows the list, it never widens it.
      const comuni = served === 'all' ? (comune ?? 'all') : [...served].filter((istat) => !comune || comune.includes(istat));
      return summaries(request, reply, { comuni, status, callId, overdue, sort: sort ?? 'deadline', limit, offset }, 'candidature-comuni.csv');
    },
  );

  app.get(
    '/analytics/applications',
    {
      config: { access: { permission: 'analytics:read' } },
      schema: {
        tags: ['applications'],
        operationId: 'applicationAnalytics',
        summary:
          'Per bando e in totale: comuni abbinati, interessati, candidati, finanziati, e i motivi di chi non partecipa per provincia e classe di popolazione (anche in CSV)',
        description: 'Solo conteggi: nessun nome di comune, nessuna nota.',
        querystring: AnalyticsQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: Type.Ref('ApplicationAnalytics'), ...problemResponses({ 401: 'Non autenticato', 403: 'Permessi insufficienti' }) },
      },
    },
    async (request, reply) => {
      const data = await applicationAnalytics(app.db, request.query.callId);
      return wantsCsv(request) ? sendCsv(reply, 'candidature-statistiche.csv', analyticsCsv(data)) : data;
    },
  );
};

export default boardRoutes;
