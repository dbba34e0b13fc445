import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { comuneNotFound } from './comuni.service.ts';
import { page } from '../../plugins/pagination.ts';
import { sendRendered } from '../../plugins/rendered-pages.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { queryKey } from '../../plugins/db/notified-cache.ts';
import { listFundingAwards, toFundingAward } from './funding.queries.ts';
import { toComune } from './comuni.mappers.ts';
import { ComuneListQuery, ComuneSchema, FundingListQuery, IstatParams } from './comuni.schemas.ts';

const comuniRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/comuni',
    {
      config: { access: 'public' },
      schema: {
        tags: ['comuni'],
        operationId: 'listComuni',
        summary: 'Anagrafe dei comuni (ISTAT) con filtri',
        querystring: ComuneListQuery,
        response: { 200: Type.Ref('ComunePage') },
      },
    },
    async (request, reply) => {
      const { limit, offset, ...filter } = request.query;
      const list = (await app.comuneListCache.get(queryKey({ ...filter, limit, offset })))!;
      return sendRendered(request, reply, list.rendered, () => page(request, list.items, list.total, limit, offset));
    },
  );

  const profiles = app.profileCache;

  app.get(
    '/comuni/:istat',
    {
      config: { access: 'public' },
      schema: {
        tags: ['comuni'],
        operationId: 'getComune',
        summary: 'Profilo di un comune: anagrafe, aggregazioni, interessi, sintesi di programmazione e finanziamenti',
        params: IstatParams,
        response: { 200: ComuneSchema, ...problemResponses({ 404: 'Comune non trovato' }) },
      },
    },
    async (request) => {
      const comune = await profiles.get(request.params.istat);
      if (!comune) throw comuneNotFound(request.params.istat);
      return toComune(comune, request.principal !== null);
    },
  );

  app.get(
    '/comuni/:istat/funding',
    {
      config: { access: 'public' },
      schema: {
        tags: ['comuni'],
        operationId: 'listComuneFunding',
        summary: 'Storico dei finanziamenti ottenuti dal comune (PA digitale 2026)',
        params: IstatParams,
        querystring: FundingListQuery,
        response: { 200: Type.Ref('FundingAwardPage'), ...problemResponses({ 404: 'Comune non trovato' }) },
      },
    },
    async (request) => {
      const { limit, offset, measure, status } = request.query;
      if (!(await profiles.get(request.params.istat))) throw comuneNotFound(request.params.istat);
      const { items, total } = await listFundingAwards(await app.readDbFor(request), request.params.istat, { measure, status, limit, offset });
      return page(request, items.map(toFundingAward), total, limit, offset);
    },
  );
};

export default comuniRoutes;
