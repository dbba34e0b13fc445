import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { notFound } from '../../shared/domain-errors.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { page } from '../../plugins/pagination.ts';
import { sendRendered } from '../../plugins/rendered-pages.ts';
import { toCall } from './calls.mappers.ts';
import { queryKey } from '../../plugins/db/notified-cache.ts';
import { findCall } from './calls.queries.ts';
import { CallListQuery, CallParams } from './calls.schemas.ts';

/** The public catalogue: published calls only, with the status users see. */
const callsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const clock = app.clock;

  app.get(
    '/calls',
    {
      config: { access: 'public' },
      schema: {
        tags: ['calls'],
        operationId: 'listCalls',
        summary: 'Bandi e avvisi pubblicati, con filtri e ordinamento',
        querystring: CallListQuery,
        response: { 200: Type.Ref('CallPage') },
      },
    },
    async (request, reply) => {
      const { limit, offset } = request.query;
      const catalogue = (await app.catalogueCache.get(queryKey(request.query)))!;
      return sendRendered(request, reply, catalogue.rendered, () => page(request, catalogue.items, catalogue.total, limit, offset));
    },
  );

  app.get(
    '/calls/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: ['calls'],
        operationId: 'getCall',
        summary: 'Un bando pubblicato, con regole di ammissibilità, importi e finestre',
        params: CallParams,
        response: { 200: Type.Ref('Call'), ...problemResponses({ 404: 'Bando non trovato' }) },
      },
    },
    async (request) => {
      const call = await findCall(await app.readDbFor(request), request.params.id, clock());
      if (!call || call.editorial_status !== 'published' || call.merged_into) throw notFound('CALL_NOT_FOUND', 'Bando non trovato o non pubblicato.');
      return toCall(call);
    },
  );
};

export default callsRoutes;
