import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { toCsv } from '../../shared/csv-write.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { indicatorsOf, periodOf } from '../indicators/index.ts';
import { reportHtml } from './report.html.ts';
import { reportTables } from './report.tables.ts';
import { comuniFigures } from './territory.queries.ts';
import { byProvince, REGION, summarise } from './territory.summary.ts';

/** `GET /analytics/report`: the semestral "Report su avanzamento delle attività", printable or as CSV tables. */
const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/analytics/report',
    {
      config: { access: { permission: 'analytics:read' } },
      schema: {
        tags: ['territory'],
        operationId: 'getProgressReport',
        summary: 'Report su avanzamento delle attività nel periodo: pagina HTML stampabile (A4) o tabelle CSV',
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date' })),
            to: Type.Optional(Type.String({ format: 'date' })),
            format: Type.Optional(Type.String({ enum: ['html', 'csv'], default: 'html' })),
          },
          { additionalProperties: false },
        ),
        produces: ['text/html', 'text/csv'],
        response: {
          200: Type.String(),
          ...problemResponses({ 400: 'Periodo non valido', 401: 'Non autenticato', 403: 'Solo per Regione, ANCI e amministratori' }),
        },
      },
    },
    async (request, reply) => {
      const now = app.clock().now;
      const period = periodOf(request.query, now);
      const [indicators, comuni, needs] = await Promise.all([indicatorsOf(app.db, now, period), comuniFigures(app.db, now), app.needsByComune.report({})]);
      const tables = reportTables({
        indicators: indicators.indicators,
        monthly: indicators.monthly,
        provinces: byProvince(comuni),
        region: summarise(REGION.key, REGION.name, comuni),
        needs: needs.byTheme,
      });
      const name = `report-attivita-${period.from}-${period.to}`;
      if (request.query.format === 'csv') {
        const csv = tables.map((t, n) => (n === 0 ? '' : '\r\n') + toCsv([t.title], []).slice(n === 0 ? 0 : 1) + toCsv(t.headers, t.rows).slice(1)).join('');
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(csv);
      }
      return reply.type('text/html; charset=utf-8').header('content-disposition', `inline; filename="${name}.html"`).send(reportHtml(period, tables));
    },
  );
};

export default reportRoutes;
