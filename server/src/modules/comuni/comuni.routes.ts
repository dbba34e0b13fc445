import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { notFound } from '../../plugins/errors/problem.ts';
import { page } from '../../plugins/pagination.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { findComune, listComuni } from './comuni.queries.ts';
import { ComuneListQuery, ComuneSchema, IstatParams } from './comuni.schemas.ts';

const comuniRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/comuni',
    {
      config: { access: 'public' },
      schema: { tags: ['comuni'], operationId: 'listComuni', summary: 'Anagrafe dei comuni (ISTAT) con filtri', querystring: ComuneListQuery, response: { 200: Type.Ref('ComunePage') } },
    },
    async (request) => {
      const { limit, offset, ...filter } = request.query;
      const { items, total } = await listComuni(app.db, { ...filter, sizeClass: filter.sizeClass as never, limit, offset });
      return page(
        request,
        items.map((c) => ({ istat: c.istat, name: c.name, provinceSigla: c.province_sigla, regionCode: c.region_code, legalPopulation: c.legal_population, sizeClass: c.size_class })),
        total,
        limit,
        offset,
      );
    },
  );

  app.get(
    '/comuni/:istat',
    {
      config: { access: 'public' },
      schema: { tags: ['comuni'], operationId: 'getComune', summary: 'Profilo anagrafico di un comune', params: IstatParams, response: { 200: ComuneSchema, ...problemResponses({ 404: 'Comune non trovato' }) } },
    },
    async (request) => {
      const comune = await findComune(app.db, request.params.istat);
      if (!comune) throw notFound('COMUNE_NOT_FOUND', `Nessun comune con codice ISTAT ${request.params.istat}.`);
      const surface = comune.surface_km2;
      return {
        istat: comune.istat,
        name: comune.name,
        province: { code: comune.province_code, sigla: comune.province_sigla, name: comune.province_name },
        region: { code: comune.region_code, name: comune.region_name },
        residentPopulation: comune.resident_population,
        residentPopulationDate: comune.resident_population_date,
        legalPopulation: comune.legal_population,
        legalPopulationDate: comune.legal_population_date,
        sizeClass: comune.size_class,
        surfaceKm2: surface,
        densityPerKm2: surface && comune.resident_population !== null ? Math.round((comune.resident_population / surface) * 10) / 10 : null,
        altitudeZone: comune.altitude_zone,
        altitudeM: comune.altitude_m,
        coastal: comune.coastal,
        island: comune.island,
        codiceCatastale: comune.codice_catastale,
        codiceIpa: comune.codice_ipa,
        validFrom: comune.valid_from,
        validTo: comune.valid_to,
        successorIstat: comune.successor_istat,
        aggregations: comune.aggregations,
      };
    },
  );
};

export default comuniRoutes;
