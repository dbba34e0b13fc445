import { codesOf, labelOf, SIZE_CLASS_LABELS } from '../../shared/labels.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problemResponses } from '../../plugins/openapi.ts';
import { PageQuery } from '../../plugins/pagination.ts';
import { toCsv } from '../../shared/csv-write.ts';
import { Type, Nullable } from '../../shared/schema.ts';
import { coverageKey } from './coverage.cache.ts';

const Counts = Type.Record(Type.String(), Type.Integer({ format: 'int32' }));
const UncoveredPage = Type.Object(
  {
    summary: Type.Object({
      comuni: Type.Integer({ format: 'int32', description: 'Comuni del territorio scelto' }),
      uncovered: Type.Integer({ format: 'int32', description: 'Di questi, quanti non hanno alcun bando aperto utilizzabile' }),
      byProvince: Counts,
      bySizeClass: Counts,
      comuniByProvince: Counts,
    }),
    items: Type.Array(
      Type.Object({
        istat: Type.String(),
        name: Type.String(),
        provinceSigla: Type.String(),
        sizeClass: Nullable(Type.String()),
        legalPopulation: Nullable(Type.Integer({ format: 'int32' })),
      }),
    ),
    total: Type.Integer({ format: 'int32' }),
    limit: Type.Integer({ format: 'int32' }),
    offset: Type.Integer({ format: 'int32' }),
  },
  { $id: 'UncoveredComuniPage' },
);

/** Where funding does not reach: for Regione and ANCI, with CSV for their spreadsheets. */
const coverageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(UncoveredPage);
  app.get(
    '/coverage/uncovered',
    {
      config: { access: { permission: 'analytics:read' } },
      schema: {
        tags: ['matching'],
        operationId: 'listUncoveredComuni',
        summary: 'Comuni senza alcun bando aperto utilizzabile oggi, per provincia e classe dimensionale (anche in CSV con Accept: text/csv)',
        querystring: Type.Object(
          {
            region: Type.String({ pattern: '^[0-9]{2}$', default: '03', description: 'Codice ISTAT della regione' }),
            province: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
            sizeClass: Type.Optional(Type.String({ enum: codesOf(SIZE_CLASS_LABELS) })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        produces: ['application/json', 'text/csv'],
        response: { 200: Type.Ref('UncoveredComuniPage'), ...problemResponses({ 401: 'Non autenticato', 403: 'Solo per Regione, ANCI e amministratori' }) },
      },
    },
    async (request, reply) => {
      const { limit, offset, ...filter } = request.query;
      const { summary, items } = (await app.coverageCache.get(coverageKey(filter)))!;
      if ((request.headers.accept ?? '').includes('text/csv')) {
        const csv = toCsv(
          ['Codice ISTAT', 'Comune', 'Provincia', 'Classe dimensionale', 'Popolazione legale'],
          items.map((c) => [c.istat, c.name, c.provinceSigla, c.sizeClass && labelOf(SIZE_CLASS_LABELS, c.sizeClass), c.legalPopulation]),
        );
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="comuni-senza-bandi.csv"').send(csv);
      }
      return { summary, items: items.slice(offset, offset + limit), total: items.length, limit, offset };
    },
  );
};

export default coverageRoutes;
