import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { callRecord, callsCsv, catalogJsonLd, LICENSE } from './open-data.formats.ts';
import { publishedCalls } from './open-data.queries.ts';
import { indicatorsOf, periodOf } from '../indicators/index.ts';

const PUBLIC = { access: 'public' as const };

/** The public catalogue of calls as open data (CC BY 4.0), with its DCAT-AP_IT description. */
const openDataRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const base = app.config.publicBaseUrl;

  app.get(
    '/open-data/calls.csv',
    {
      config: PUBLIC,
      schema: {
        tags: ['open-data'],
        operationId: 'openDataCallsCsv',
        summary: 'I bandi pubblicati in CSV (CC BY 4.0)',
        produces: ['text/csv'],
        response: { 200: Type.String() },
      },
    },
    async (_request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="bandi.csv"')
        .header('link', `<${LICENSE}>; rel="license"`)
        .send(callsCsv(await publishedCalls(app.db), base)),
  );

  app.get(
    '/open-data/calls.json',
    {
      config: PUBLIC,
      schema: {
        tags: ['open-data'],
        operationId: 'openDataCallsJson',
        summary: 'I bandi pubblicati in JSON (CC BY 4.0)',
        response: { 200: Type.Object({ license: Type.String(), items: Type.Array(Type.Unknown()) }) },
      },
    },
    async (_request, reply) =>
      reply.header('link', `<${LICENSE}>; rel="license"`).send({ license: LICENSE, items: (await publishedCalls(app.db)).map((c) => callRecord(c, base)) }),
  );

  app.get(
    '/open-data/indicators.json',
    {
      config: PUBLIC,
      schema: {
        tags: ['open-data'],
        operationId: 'openDataIndicators',
        summary: 'Gli indicatori aggregati del programma negli ultimi dodici mesi (CC BY 4.0): solo valori e obiettivi, né testi di ricerca né commenti',
        response: {
          200: Type.Object({ license: Type.String(), period: Type.Object({ from: Type.String(), to: Type.String() }), indicators: Type.Array(Type.Unknown()) }),
        },
      },
    },
    async (_request, reply) => {
      const now = app.clock().now;
      const { period, indicators } = await indicatorsOf(app.db, now, periodOf({}, now));
      return reply.header('link', `<${LICENSE}>; rel="license"`).send({ license: LICENSE, period, indicators });
    },
  );

  app.get(
    '/open-data/catalog.jsonld',
    {
      config: PUBLIC,
      schema: {
        tags: ['open-data'],
        operationId: 'openDataCatalog',
        summary: 'Descrizione DCAT-AP_IT del catalogo dei dati aperti',
        produces: ['application/ld+json'],
        response: {
          // JSON-LD names its members '@context', '@id', 'dct:title': described, not declared one by one.
          200: Type.Object(
            {},
            {
              additionalProperties: Type.Unknown(),
              maxProperties: 20,
              description: 'Catalogo DCAT-AP_IT in JSON-LD (dataset, distribuzioni, editore, licenza)',
            },
          ),
        },
      },
    },
    async (_request, reply) => {
      const rows = await publishedCalls(app.db);
      const modified = (rows.map((r) => r.updated_at).sort((a, b) => b.getTime() - a.getTime())[0] ?? app.clock().now).toISOString().slice(0, 10);
      return reply.type('application/ld+json; charset=utf-8').send(catalogJsonLd(base, modified));
    },
  );
};

export default openDataRoutes;
