import { labelOf, SIZE_CLASS_LABELS } from '../../shared/labels.ts';
import { byItalianName } from '../../shared/names.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { precompress, sendPrecompressed } from '../../plugins/compression.ts';
import { boundariesLoader } from './territory.boundaries.ts';
import { territoryAnswers } from './territory.cache.ts';
import { comuniFigures, fundingByMeasure } from './territory.queries.ts';
import { FundsObtained, MapOutlines, ProvinceQuery, TerritoryMap } from './territory.schemas.ts';
import { byProvince, measuresOver, perInhabitant, REGION, summarise, summariseBy } from './territory.summary.ts';

const ANALYTICS = { access: { permission: 'analytics:read' as const } };
const DENIED = problemResponses({ 401: 'Non autenticato', 403: 'Solo per Regione, ANCI e amministratori' });

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The territory for Regione and ANCI: every comune's figures for the map, the boundaries, funds
 * obtained. Answers are kept serialized and compressed until what they are computed from changes.
 */
const territoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(TerritoryMap);
  app.addSchema(FundsObtained);
  app.addSchema(MapOutlines);
  const boundaries = boundariesLoader(app.config.geoDataDir);
  // Projected a little after the server listens, so the first viewer does not wait a second for the outlines.
  app.addHook('onListen', async () => {
    setTimeout(() => void boundaries.outlines().catch((err: unknown) => app.log.warn({ err }, 'the map outlines could not be prepared')), 3000).unref();
  });
  const answers = territoryAnswers(app);
  const figures = () => answers('figures', () => comuniFigures(app.db, app.clock().now));

  app.get(
    '/territory/comuni',
    {
      config: ANALYTICS,
      schema: {
        tags: ['territory'],
        operationId: 'getTerritoryMap',
        summary: 'Per ogni comune lombardo i valori dei livelli della mappa, con i totali per provincia e regione',
        response: { 200: Type.Ref('TerritoryMap'), ...DENIED },
      },
    },
    async (request, reply) => {
      const body = await answers('comuni', async () => {
        const comuni = await figures();
        const map = {
          // In alphabetical order, so the page ranks them by a value alone and ties stay alphabetical.
          comuni: [...comuni]
            .sort((a, b) => byItalianName(a.name, b.name))
            .map((c) => ({
              ...c,
              availablePerInhabitant: perInhabitant(c.availableAmount, c.population),
              fundsPerInhabitant: perInhabitant(c.fundsObtained, c.population),
            })),
          provinces: byProvince(comuni),
          region: summarise(REGION.key, REGION.name, comuni),
        };
        return precompress(reply.serialize(map), JSON_TYPE);
      });
      return sendPrecompressed(request, reply, body);
    },
  );

  app.get(
    '/territory/funds',
    {
      config: ANALYTICS,
      schema: {
        tags: ['territory'],
        operationId: 'getFundsObtained',
        summary: 'Fondi PNRR ottenuti dai comuni lombardi per classe dimensionale e misura, per abitante, con la quota di comuni che ha ottenuto ogni misura',
        querystring: Type.Object({ province: ProvinceQuery }, { additionalProperties: false }),
        response: { 200: Type.Ref('FundsObtained'), ...DENIED },
      },
    },
    async (request, reply) => {
      const { province } = request.query;
      const body = await answers(`funds?province=${province ?? ''}`, async () => {
        const [comuni, measures] = await Promise.all([figures(), answers('measures', () => fundingByMeasure(app.db))]);
        const chosen = comuni.filter((c) => !province || c.province === province);
        const area = province ? (byProvince(chosen)[0] ?? summarise(province, province, [])) : summarise(REGION.key, REGION.name, chosen);
        const funds = {
          area,
          bySizeClass: summariseBy(
            chosen,
            (c) => c.sizeClass ?? 'n.d.',
            (c) => (c.sizeClass ? labelOf(SIZE_CLASS_LABELS, c.sizeClass) : 'popolazione non nota'),
            Object.keys(SIZE_CLASS_LABELS),
          ),
          byMeasure: measuresOver(
            measures.filter((m) => !province || m.province === province),
            area,
          ),
        };
        return precompress(reply.serialize(funds), JSON_TYPE);
      });
      return sendPrecompressed(request, reply, body);
    },
  );

  app.get(
    '/territory/boundaries',
    {
      config: ANALYTICS,
      schema: {
        tags: ['territory'],
        operationId: 'getComuniBoundaries',
        summary: 'Confini dei comuni lombardi in TopoJSON (Fonte: ISTAT; elaborazione openpolis, CC BY 4.0), letti dai dati condivisi del server',
        response: {
          200: Type.Unknown({ description: 'Topologia con l’oggetto `comuni`; ogni geometria ha `istat`, `name`, `province`' }),
          ...DENIED,
          ...problemResponses({ 503: 'Confini non disponibili su questo server' }),
        },
      },
    },
    async (request, reply) => sendPrecompressed(request, reply.header('cache-control', 'private, max-age=86400'), await boundaries.topology()),
  );

  app.get(
    '/territory/outlines',
    {
      config: ANALYTICS,
      schema: {
        tags: ['territory'],
        operationId: 'getMapOutlines',
        summary: 'I contorni dei comuni e delle province lombarde come percorsi SVG, già proiettati nel riquadro della mappa',
        response: { 200: Type.Ref('MapOutlines'), ...DENIED, ...problemResponses({ 503: 'Confini non disponibili su questo server' }) },
      },
    },
    async (request, reply) => sendPrecompressed(request, reply.header('cache-control', 'private, max-age=86400'), await boundaries.outlines()),
  );
};

export default territoryRoutes;
