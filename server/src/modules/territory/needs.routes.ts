import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { precompress, sendPrecompressed } from '../../plugins/compression.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { needsCsv } from './needs.csv.ts';
import type { PublishedNeeds } from './needs.by-comune.ts';
import { NeedsReport, ProvinceQuery, SizeClassQuery } from './territory.schemas.ts';

/** `GET /analytics/needs`: what the comuni plan and cannot fund, against the open calls. */
const needsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(NeedsReport);
  // Each report as sent, compressed once: the same report object comes back until something changes.
  const sent = new WeakMap<PublishedNeeds, ReturnType<typeof precompress>>();
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
      const report = await app.needsByComune.report({ province, sizeClass });
      if ((request.headers.accept ?? '').includes('text/csv')) {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="fabbisogni-e-bandi.csv"')
          .send(needsCsv(report.cells));
      }
      let json = sent.get(report);
      if (!json) sent.set(report, (json = precompress(reply.serialize(report), 'application/json; charset=utf-8')));
      return sendPrecompressed(request, reply, await json);
    },
  );
};

export default needsRoutes;
