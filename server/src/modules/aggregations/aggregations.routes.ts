import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { notFound } from '../../shared/domain-errors.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { page } from '../../plugins/pagination.ts';
import { findAggregation, listAggregations, toAggregation } from './aggregations.queries.ts';
import { AggregationListQuery, AggregationParams, type AggregationInput } from './aggregations.schemas.ts';
import { createAggregation, deleteAggregation, replaceAggregation } from './aggregations.service.ts';

const MANAGE = { access: { permission: 'registry:manage' as const } };
const WRITE_ERRORS = problemResponses({ 401: 'Non autenticato', 403: 'Permessi insufficienti', 422: 'Membri non validi' });

/** Unioni, comunità montane, associated RTD offices and consortia, with their members over time. */
const aggregationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/aggregations',
    {
      config: { access: 'public' },
      schema: {
        tags: ['comuni'],
        operationId: 'listAggregations',
        summary: 'Aggregazioni di comuni',
        querystring: AggregationListQuery,
        response: { 200: Type.Ref('AggregationPage') },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const { items, total } = await listAggregations(app.db, request.query);
      return page(
        request,
        items.map((a) => ({ id: a.id, name: a.name, kind: a.kind, codiceFiscale: a.codice_fiscale, currentMembers: a.current_members })),
        total,
        limit,
        offset,
      );
    },
  );

  app.get(
    '/aggregations/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: ['comuni'],
        operationId: 'getAggregation',
        summary: 'Aggregazione con i suoi membri nel tempo',
        params: AggregationParams,
        response: { 200: Type.Ref('Aggregation'), ...problemResponses({ 404: 'Aggregazione non trovata' }) },
      },
    },
    async (request) => {
      const row = await findAggregation(app.db, request.params.id);
      if (!row) throw notFound('AGGREGATION_NOT_FOUND', 'Aggregazione non trovata.');
      return toAggregation(row);
    },
  );

  app.post(
    '/aggregations',
    {
      config: MANAGE,
      schema: {
        tags: ['comuni'],
        operationId: 'createAggregation',
        summary: 'Crea un\u2019aggregazione',
        body: Type.Ref('AggregationInput'),
        response: { 201: Type.Ref('Aggregation'), ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const created = await app.db.transaction().execute((trx) => createAggregation(trx, request, request.body as AggregationInput));
      app.profileCache.invalidate('*');
      return reply.code(201).header('location', `/api/v1/aggregations/${created.id}`).send(created);
    },
  );

  app.put(
    '/aggregations/:id',
    {
      config: MANAGE,
      schema: {
        tags: ['comuni'],
        operationId: 'replaceAggregation',
        summary: 'Modifica un\u2019aggregazione e i suoi membri',
        params: AggregationParams,
        body: Type.Ref('AggregationInput'),
        response: { 200: Type.Ref('Aggregation'), ...WRITE_ERRORS, ...problemResponses({ 404: 'Aggregazione non trovata' }) },
      },
    },
    async (request) => {
      const updated = await app.db.transaction().execute((trx) => replaceAggregation(trx, request, request.params.id, request.body as AggregationInput));
      app.profileCache.invalidate('*');
      return updated;
    },
  );

  app.delete(
    '/aggregations/:id',
    {
      config: MANAGE,
      schema: {
        tags: ['comuni'],
        operationId: 'deleteAggregation',
        summary: 'Elimina un\u2019aggregazione senza utenti collegati',
        params: AggregationParams,
        response: {
          204: Type.Null(),
          ...problemResponses({ 401: 'Non autenticato', 403: 'Permessi insufficienti', 404: 'Aggregazione non trovata', 409: 'Aggregazione in uso' }),
        },
      },
    },
    async (request, reply) => {
      await app.db.transaction().execute((trx) => deleteAggregation(trx, request, request.params.id));
      app.profileCache.invalidate('*');
      return reply.code(204).send(null);
    },
  );
};

export default aggregationsRoutes;
