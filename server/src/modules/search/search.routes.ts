import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { forbidden } from '../../shared/domain-errors.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { page } from '../../plugins/pagination.ts';
import type { Facet, SearchQuery } from '../../plugins/search/engine.ts';
import { hasPermission } from '../auth/index.ts';
import { searchCsv } from './search.csv.ts';
import { searchLag } from './search.outbox.ts';
import type { CachedQuery } from './search.cache.ts';
import { SearchPage, SearchQuerySchema, SearchStatus } from './search.schemas.ts';

const CSV_MAX_ROWS = 5000;

const searchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(SearchPage);
  app.addSchema(SearchStatus);

  app.get(
    '/calls/search',
    {
      config: { access: 'public' },
      schema: {
        tags: ['search'],
        operationId: 'searchCalls',
        summary: 'Cerca tra i bandi, con filtri e faccette (anche in CSV con Accept: text/csv)',
        description: `Pubblici: solo bandi pubblicati. La redazione può chiedere altri stati con editorialStatus. Con Accept: text/csv restituisce fino a ${CSV_MAX_ROWS} righe.`,
        querystring: SearchQuerySchema,
        produces: ['application/json', 'text/csv'],
        response: {
          200: Type.Ref('CallSearchPage'),
          ...problemResponses({ 403: 'Stati redazionali riservati alla redazione', 503: 'Motore di ricerca non disponibile' }),
        },
      },
    },
    async (request, reply) => {
      const { editorialStatus, facets, limit, offset, ...filters } = request.query;
      if (editorialStatus && !(request.principal && hasPermission(request.principal, 'calls:write'))) {
        throw forbidden('Solo la redazione può cercare tra bozze e bandi non pubblicati.');
      }
      const asCsv = (request.headers.accept ?? '').includes('text/csv');
      const query: CachedQuery = {
        ...filters,
        sort: filters.sort as SearchQuery['sort'],
        editorialStatus: editorialStatus ?? ['published'],
        facets: asCsv ? [] : (facets as Facet[]),
        limit: asCsv ? CSV_MAX_ROWS : limit,
        offset: asCsv ? 0 : offset,
        soonDays: app.config.deadlineSoonDays,
      };
      if (asCsv) {
        const result = await app.searchEngine.search({ ...query, now: new Date() });
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="bandi.csv"').send(searchCsv(result.items));
      }
      const result = (await app.searchCache.get(JSON.stringify(query)))!;
      return { ...page(request, result.items, result.total, limit, offset), facets: result.facets };
    },
  );

  app.get(
    '/search/status',
    {
      config: { access: 'public' },
      schema: {
        tags: ['search'],
        operationId: 'searchStatus',
        summary: 'Motore di ricerca in uso, stato e ritardo dell’indice',
        response: { 200: Type.Ref('SearchStatus') },
      },
    },
    async () => ({ engine: app.searchEngine.name, ...(await app.searchEngine.health()), ...(await searchLag(app.db)) }),
  );
};

export default searchRoutes;
