import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { type Static } from '@sinclair/typebox';
import { sql } from 'kysely';
import { diff, recordAudit } from '../auth/index.ts';
import type { SourceKind } from '../../plugins/db/schema.ts';
import { notFound, unprocessable } from '../../shared/domain-errors.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { outboundTargetProblem } from '../../plugins/outbound.ts';
import { page } from '../../plugins/pagination.ts';
import type { CallInput } from '../calls/index.ts';
import { ItemError, type Connector } from './ingest.connector.ts';
import { findSource, listRuns, listSources, sourceSettings, toRun } from './ingest.queries.ts';
import { runSource } from './ingest.runner.ts';
import { RunListQuery, type PushBody, type SourceInput } from './ingest.schemas.ts';
import { runIngest } from './ingest.service.ts';

const ACCESS = { access: { permission: 'ingest:run' as const } };
const ERRORS = problemResponses({ 401: 'Non autenticato', 403: 'Permessi insufficienti' });
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** Pushed items are calls already in our shape: the "connector" only hands them over. */
const pushConnector = (source: string): Connector => ({
  kind: `api:${source}`,
  split: () => [],
  map(raw) {
    const call = raw.call as CallInput | undefined;
    if (!call) throw new ItemError('voce senza bando');
    return { input: call, url: (raw.url as string | null | undefined) ?? null };
  },
});

/** Sources, their runs, and the JSON push API for partners. */
const ingestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const clock = app.clock;
  const columns = (body: Static<typeof SourceInput>) => ({
    name: body.name,
    kind: body.kind as SourceKind,
    location: body.location,
    every_minutes: body.everyMinutes,
    trusted: body.trusted,
    enabled: body.enabled,
  });
  /** A source is read over http(s) and outside our networks; every run checks again where it connects. */
  async function assertLocation(location: string) {
    const problem = await outboundTargetProblem(location, app.config.outboundAllowPrivateNetworks);
    if (problem) throw unprocessable('INVALID_SOURCE_LOCATION', 'L’indirizzo della fonte non è utilizzabile.', [{ field: 'body.location', message: problem }]);
  }

  app.get(
    '/ingest/sources',
    {
      config: ACCESS,
      schema: {
        tags: ['ingest'],
        operationId: 'listSources',
        summary: 'Fonti dei bandi con l’ultima esecuzione e la freschezza dei dati (voce più recente, ultimo successo, ultimo errore, in ritardo)',
        response: { 200: Type.Ref('IngestSourceList'), ...ERRORS },
      },
    },
    async () => {
      const items = await listSources(app.db, new Date());
      return { items, total: items.length };
    },
  );

  app.post(
    '/ingest/sources',
    {
      config: ACCESS,
      schema: {
        tags: ['ingest'],
        operationId: 'createSource',
        summary: 'Registra una fonte',
        body: Type.Ref('IngestSourceInput'),
        response: { 201: Type.Ref('IngestSource'), ...ERRORS, ...problemResponses({ 422: 'Indirizzo della fonte non utilizzabile' }) },
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof SourceInput>;
      await assertLocation(body.location);
      const row = await app.db.transaction().execute(async (trx) => {
        const created = await trx.insertInto('ingest_sources').values(columns(body)).returningAll().executeTakeFirstOrThrow();
        await recordAudit(trx, request, { action: 'source.created', entity: 'ingest_source', entityId: created.id, changes: { ...body } });
        return created;
      });
      return reply.code(201).send(await findSource(app.db, row.id, new Date()));
    },
  );

  app.put(
    '/ingest/sources/:id',
    {
      config: ACCESS,
      schema: {
        tags: ['ingest'],
        operationId: 'updateSource',
        summary: 'Modifica una fonte',
        params: IdParams,
        body: Type.Ref('IngestSourceInput'),
        response: {
          200: Type.Ref('IngestSource'),
          ...ERRORS,
          ...problemResponses({ 404: 'Fonte non trovata', 422: 'Indirizzo della fonte non utilizzabile' }),
        },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof SourceInput>;
      await assertLocation(body.location);
      const row = await app.db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('ingest_sources').selectAll().where('id', '=', request.params.id).forUpdate().executeTakeFirst();
        if (!before) throw notFound('SOURCE_NOT_FOUND', 'Fonte non trovata.');
        const after = await trx
          .updateTable('ingest_sources')
          .set({ ...columns(body), updated_at: sql`now()` })
          .where('id', '=', request.params.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const changes = diff<Record<string, unknown>>(sourceSettings(before), sourceSettings(after));
        if (Object.keys(changes).length > 0)
          await recordAudit(trx, request, { action: 'source.updated', entity: 'ingest_source', entityId: after.id, changes });
        return after;
      });
      return findSource(app.db, row.id, new Date());
    },
  );

  app.delete(
    '/ingest/sources/:id',
    {
      config: ACCESS,
      schema: {
        tags: ['ingest'],
        operationId: 'deleteSource',
        summary: 'Elimina una fonte (i bandi già importati restano)',
        params: IdParams,
        response: { 204: Type.Null(), ...ERRORS, ...problemResponses({ 404: 'Fonte non trovata' }) },
      },
    },
    async (request, reply) => {
      await app.db.transaction().execute(async (trx) => {
        const removed = await trx.deleteFrom('ingest_sources').where('id', '=', request.params.id).executeTakeFirst();
        if (Number(removed.numDeletedRows) === 0) throw notFound('SOURCE_NOT_FOUND', 'Fonte non trovata.');
        await recordAudit(trx, request, { action: 'source.deleted', entity: 'ingest_source', entityId: request.params.id });
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/ingest/sources/:id/run',
    {
      config: ACCESS,
      schema: {
        tags: ['ingest'],
        operationId: 'runSource',
        summary: 'Legge subito una fonte e restituisce l’esito',
        params: IdParams,
        response: { 200: Type.Ref('IngestRun'), ...ERRORS, ...problemResponses({ 404: 'Fonte non trovata' }) },
      },
    },
    async (request) => {
      const report = await runSource(app.db, clock(), request.params.id, app.config);
      await recordAudit(app.db, request, { action: 'source.run', entity: 'ingest_source', entityId: request.params.id, changes: { runId: report.runId } });
      return toRun(await app.db.selectFrom('ingest_runs').selectAll().where('id', '=', report.runId).executeTakeFirstOrThrow());
    },
  );

  app.get(
    '/ingest/runs',
    {
      config: ACCESS,
      schema: {
        tags: ['ingest'],
        operationId: 'listRuns',
        summary: 'Registro delle esecuzioni',
        querystring: RunListQuery,
        response: { 200: Type.Ref('IngestRunPage'), ...ERRORS },
      },
    },
    async (request) => {
      const { items, total } = await listRuns(app.db, request.query);
      return page(request, items, total, request.query.limit, request.query.offset);
    },
  );

  app.get(
    '/ingest/runs/:id',
    {
      config: ACCESS,
      schema: {
        tags: ['ingest'],
        operationId: 'getRun',
        summary: 'Un’esecuzione con le voci non importate e il motivo',
        params: IdParams,
        response: { 200: Type.Ref('IngestRun'), ...ERRORS, ...problemResponses({ 404: 'Esecuzione non trovata' }) },
      },
    },
    async (request) => {
      const run = await app.db.selectFrom('ingest_runs').selectAll().where('id', '=', request.params.id).executeTakeFirst();
      if (!run) throw notFound('RUN_NOT_FOUND', 'Esecuzione non trovata.');
      return toRun(run);
    },
  );

  app.post(
    '/ingest/calls',
    {
      config: ACCESS,
      schema: {
        tags: ['ingest'],
        operationId: 'pushCalls',
        summary: 'API per i partner: invia bandi (idempotente per fonte e identificativo esterno)',
        description:
          'Con un token di accesso (Authorization: Bearer). Ogni voce diventa una bozza per la redazione; una voce già ricevuta identica non scrive nulla.',
        body: Type.Ref('IngestPush'),
        response: { 200: Type.Ref('IngestRun'), ...ERRORS },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof PushBody>;
      const report = await runIngest(app.db, clock(), {
        connector: pushConnector(body.source),
        location: `POST /api/v1/ingest/calls (${body.source})`,
        items: body.items.map((item) => ({ externalId: item.externalId, raw: { call: item.call, url: item.url ?? null } })),
        trusted: false,
      });
      return toRun(await app.db.selectFrom('ingest_runs').selectAll().where('id', '=', report.runId).executeTakeFirstOrThrow());
    },
  );
};

export default ingestRoutes;
