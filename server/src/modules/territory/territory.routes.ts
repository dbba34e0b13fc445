import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { boundariesLoader } from './territory.boundaries.ts';
import { comuniFigures, fundingByMeasure } from './territory.queries.ts';
import { FundsObtained, ProvinceQuery, TerritoryMap } from './territory.schemas.ts';
import { measuresOver, perInhabitant, summarise, summariseBy } from './territory.summary.ts';

const ANALYTICS = { access: { permission: 'analytics:read' as const } };
const DENIED = problemResponses({ 401: 'Non autenticato', 403: 'Solo per Regione, ANCI e amministratori' });

/** The territory for Regione and ANCI: every comune's figures for the map, the boundaries, funds obtained. */
const territoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(TerritoryMap);
  app.addSchema(FundsObtained);
  const boundaries = boundariesLoader(app.config.geoDataDir);

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
    async () => {
      const comuni = await comuniFigures(app.db, app.clock().now);
      return {
        comuni: comuni.map((c) => ({
          ...c,
          availablePerInhabitant: perInhabitant(c.availableAmount, c.population),
          fundsPerInhabitant: perInhabitant(c.fundsObtained, c.population),
        })),
        provinces: summariseBy(comuni, (c) => c.province),
        region: summarise('03', comuni),
      };
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
    async (request) => {
      const { province } = request.query;
      const [comuni, measures] = await Promise.all([comuniFigures(app.db, app.clock().now), fundingByMeasure(app.db)]);
      const chosen = comuni.filter((c) => !province || c.province === province);
      const area = summarise(province ?? '03', chosen);
      return {
        area,
        bySizeClass: summariseBy(chosen, (c) => c.sizeClass ?? 'n.d.'),
        byMeasure: measuresOver(
          measures.filter((m) => !province || m.province === province),
          area,
        ),
      };
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
    async (_request, reply) => {
      const topology = await boundaries();
      return reply.type('application/json; charset=utf-8').header('cache-control', 'private, max-age=86400').send(topology);
    },
  );
};

export default territoryRoutes;
