import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { precompress, sendPrecompressed } from '../../plugins/compression.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { needsCsv } from './needs.csv.ts';
import { byTheme, MINIMUM_COMUNI, needsWithoutCall, publishable } from './needs.privacy.ts';
import { needsAgainstFunding, themesWithOpenCalls, type NeedsFilter } from './needs.queries.ts';
import { NeedsReport, ProvinceQuery, SizeClassQuery } from './territory.schemas.ts';
import { territoryAnswers } from './territory.cache.ts';

/** Needs against funding, with every cell backed by fewer than three comuni hidden. */
export async function needsReport(app: Parameters<FastifyPluginAsyncTypebox>[0], filter: NeedsFilter) {
  const now = app.clock().now;
  const [rows, themesWithCalls] = await Promise.all([needsAgainstFunding(app.db, filter, now), themesWithOpenCalls(app.db, now)]);
  const themes = byTheme(rows);
  return {
    minimumComuni: MINIMUM_COMUNI,
    cells: rows.map(publishable),
    byTheme: themes.map(publishable),
    withoutCall: needsWithoutCall(themes, themesWithCalls).map(publishable),
  };
}

/** `GET /analytics/needs`: what the comuni plan and cannot fund, against the open calls. */
const needsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(NeedsReport);
  const answers = territoryAnswers(app);
  app.get(
    '/analytics/needs',
    {
      config: { access: { permission: 'analytics:read' } },
      schema: {
        tags: ['territory'],
        operationId: 'getNeedsAgainstFunding',
        summary:
          'Interventi programmati non finanziati per tema × provincia × classe dimensionale, contro i bandi aperti che potrebbero finanziarli; celle con meno di 3 comuni nascoste (anche in CSV con Accept: text/csv)',
        querystring: Type.Object({ province: ProvinceQuery, sizeClass: SizeClassQuery }, { additionalProperties: false }),
        produces: ['application/json', 'text/csv'],
        response: { 200: Type.Ref('NeedsReport'), ...problemResponses({ 401: 'Non autenticato', 403: 'Solo per Regione, ANCI e amministratori' }) },
      },
    },
    async (request, reply) => {
      const { province, sizeClass } = request.query;
      const answer = await answers(`needs?province=${province ?? ''}&sizeClass=${sizeClass ?? ''}`, async () => {
        const report = await needsReport(app, request.query);
        return { report, json: await precompress(reply.serialize(report), 'application/json; charset=utf-8') };
      });
      if ((request.headers.accept ?? '').includes('text/csv')) {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="fabbisogni-e-bandi.csv"')
          .send(needsCsv(answer.report.cells));
      }
      return sendPrecompressed(request, reply, answer.json);
    },
  );
};

export default needsRoutes;
