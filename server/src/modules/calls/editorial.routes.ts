import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { Access } from '../auth/index.ts';
import type { Database } from '../../plugins/db/schema.ts';
import { notFound } from '../../shared/domain-errors.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { page } from '../../plugins/pagination.ts';
import { toCall } from './calls.mappers.ts';
import type { EditorialQueue } from './editorial.queues.ts';
import { findCall } from './calls.queries.ts';
import type { Clock } from '../../shared/clock.ts';
import { CallHistoryQuery, CallParams, EditorialListQuery, type CallInput } from './calls.schemas.ts';
import {
  actorOf,
  approveCall,
  archiveCall,
  createCall,
  mergeCalls,
  publishCall,
  saveEffectOf,
  scheduleCall,
  submitCall,
  updateCall,
  withdrawCall,
  type Actor,
} from './calls.service.ts';
import { pendingRevisionOf, type Viewer } from './revisions.queries.ts';
import { approveRevision, discardRevision, publishRevision, submitRevision } from './revisions.service.ts';
import { barredApprovers, callHistory, publishedHistory } from './history.queries.ts';
import { allowedCallActions } from './calls.steps.ts';
import { hasPermission } from '../auth/index.ts';
import { findDuplicateCandidates } from './duplicates.queries.ts';
import { sql } from 'kysely';
import { recordAudit } from '../auth/index.ts';

const WRITE = { access: { permission: 'calls:write' as const } };
const REVIEW = { access: { permission: 'calls:review' as const } };
const ERRORS = problemResponses({ 401: 'Non autenticato', 403: 'Permessi insufficienti', 404: 'Bando non trovato' });
const TRANSITION_ERRORS = { ...ERRORS, ...problemResponses({ 409: 'Passaggio di stato non ammesso' }) };

/** ANCI editors: drafts, review, publication, withdrawal, merges and history. */
const editorialRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const clock = app.clock;
  const reviewRequired = app.config.reviewRequired;

  const viewerOf = (request: FastifyRequest): Viewer => {
    const principal = request.principal;
    return {
      userId: principal?.userId ?? null,
      canWrite: principal !== null && hasPermission(principal, 'calls:write'),
      canReview: principal !== null && hasPermission(principal, 'calls:review'),
      reviewRequired,
    };
  };

  /** The call as editors see it: the live version, and the change waiting for review if any. */
  async function editorialCall(request: FastifyRequest, id: string, now: Clock) {
    const call = await findCall(app.db, id, now);
    if (!call) throw notFound('CALL_NOT_FOUND', 'Bando non trovato.');
    const viewer = viewerOf(request);
    const barred = call.editorial_status === 'in_review' ? await barredApprovers(app.db, call) : new Set<string>();
    return {
      ...toCall(call),
      pendingRevision: await pendingRevisionOf(app.db, call, viewer),
      onSave: saveEffectOf(call.editorial_status, reviewRequired),
      allowedActions: allowedCallActions(call.editorial_status, viewer, barred),
    };
  }

  /** Runs a change in one transaction and answers with the call as it now is. */
  async function change(request: FastifyRequest, id: string | null, work: (trx: Transaction<Database>, actor: Actor, clock: Clock) => Promise<unknown>) {
    const now = clock();
    const callId = await app.db.transaction().execute(async (trx) => {
      const result = await work(trx, actorOf(request), now);
      return id ?? (result as string);
    });
    return editorialCall(request, callId, now);
  }

  app.get(
    '/editorial/calls',
    {
      config: WRITE,
      schema: {
        tags: ['calls'],
        operationId: 'listEditorialCalls',
        summary: 'Tutti i bandi, in ogni stato redazionale',
        querystring: EditorialListQuery,
        response: { 200: Type.Ref('EditorialCallPage'), ...ERRORS },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const { items, total } = await app.editorialCache.list({ ...request.query, queue: request.query.queue as EditorialQueue | undefined });
      return page(request, items, total, limit, offset);
    },
  );

  app.get(
    '/editorial/calls/counts',
    {
      config: WRITE,
      schema: {
        tags: ['calls'],
        operationId: 'countEditorialQueues',
        summary: 'Quanti bandi ha ogni elenco della redazione',
        response: { 200: Type.Ref('EditorialQueueCounts'), ...ERRORS },
      },
    },
    async () => app.editorialCache.counts(),
  );

  app.get(
    '/editorial/calls/:id',
    {
      config: WRITE,
      schema: {
        tags: ['calls'],
        operationId: 'getEditorialCall',
        summary: 'Un bando in qualunque stato, con le modifiche in attesa di revisione',
        params: CallParams,
        response: { 200: Type.Ref('EditorialCall'), ...ERRORS },
      },
    },
    async (request) => editorialCall(request, request.params.id, clock()),
  );

  app.get(
    '/editorial/calls/:id/revision',
    {
      config: WRITE,
      schema: {
        tags: ['calls'],
        operationId: 'getCallRevision',
        summary: 'Le modifiche a un bando pubblicato in attesa di revisione',
        params: CallParams,
        response: {
          200: Type.Ref('CallRevision'),
          ...problemResponses({ 401: 'Non autenticato', 403: 'Permessi insufficienti', 404: 'Bando non trovato o senza modifiche in attesa' }),
        },
      },
    },
    async (request) => {
      const { pendingRevision } = await editorialCall(request, request.params.id, clock());
      if (!pendingRevision) throw notFound('REVISION_NOT_FOUND', 'Il bando non ha modifiche in attesa di revisione.');
      return pendingRevision;
    },
  );

  app.post(
    '/calls',
    {
      config: WRITE,
      schema: {
        tags: ['calls'],
        operationId: 'createCall',
        summary: 'Crea un bando in bozza',
        body: Type.Ref('CallInput'),
        response: { 201: Type.Ref('EditorialCall'), ...ERRORS, ...problemResponses({ 422: 'Dati incoerenti' }) },
      },
    },
    async (request, reply) => {
      const call = await change(request, null, (trx, actor, now) => createCall(trx, actor, request.body as CallInput, now));
      return reply.code(201).header('location', `/api/v1/editorial/calls/${call.id}`).send(call);
    },
  );

  app.put(
    '/calls/:id',
    {
      config: WRITE,
      schema: {
        tags: ['calls'],
        operationId: 'updateCall',
        summary: 'Modifica un bando (ogni modifica è una versione)',
        description:
          'Con la revisione obbligatoria, un bando approvato o programmato torna in revisione; le modifiche a un bando pubblicato diventano la sua revisione in attesa (`pendingRevision`), che il pubblico non vede finché un altro redattore non la approva e viene pubblicata.',
        params: CallParams,
        body: Type.Ref('CallInput'),
        response: { 200: Type.Ref('EditorialCall'), ...TRANSITION_ERRORS, ...problemResponses({ 422: 'Dati incoerenti' }) },
      },
    },
    async (request) =>
      change(request, request.params.id, (trx, actor, now) =>
        updateCall(trx, actor, request.params.id, request.body as CallInput, now, { review: reviewRequired }),
      ),
  );

  app.get(
    '/calls/:id/history',
    {
      config: { access: 'public' },
      schema: {
        tags: ['calls'],
        operationId: 'getCallHistory',
        summary: 'Modifiche di un bando: per il pubblico quelle al bando pubblicato, per la redazione tutte le versioni con l’autore',
        description:
          'Pubblico per i bandi pubblicati, ritirati o archiviati, e allora mostra solo le modifiche fatte al bando pubblicato (date, importi, requisiti, titolo…), in italiano semplice; la redazione vede anche bozze, revisioni, approvazioni e chi ha fatto ogni modifica.',
        params: CallParams,
        querystring: CallHistoryQuery,
        response: { 200: Type.Ref('CallHistory'), ...problemResponses({ 404: 'Bando non trovato' }) },
      },
    },
    async (request) => {
      const editor = request.principal !== null && hasPermission(request.principal, 'calls:write');
      const call = await app.db.selectFrom('calls').select('editorial_status').where('id', '=', request.params.id).executeTakeFirst();
      const items =
        call && (editor || ['published', 'withdrawn', 'archived'].includes(call.editorial_status)) ? await callHistory(app.db, request.params.id) : null;
      if (!call || !items) throw notFound('CALL_NOT_FOUND', 'Bando non trovato.');
      // Who edited a call, and its editorial steps, are the editors' business; the public sees what changed and when.
      return { items: editor && request.query.scope !== 'published' ? items : publishedHistory(items, call.editorial_status) };
    },
  );

  app.get(
    '/editorial/calls/:id/duplicates',
    {
      config: WRITE,
      schema: {
        tags: ['calls'],
        operationId: 'listDuplicateCandidates',
        summary: 'Possibili doppioni da altre fonti (stessa misura o titolo simile, date sovrapposte)',
        params: CallParams,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String({ format: 'uuid' }),
                title: Type.String(),
                editorialStatus: Type.String(),
                sources: Type.Array(Type.String()),
                titleSimilarity: Type.Number({ format: 'double' }),
                sameMeasure: Type.Boolean(),
              }),
            ),
          }),
          ...ERRORS,
        },
      },
    },
    async (request) => {
      if (!(await findCall(app.db, request.params.id, clock()))) throw notFound('CALL_NOT_FOUND', 'Bando non trovato.');
      return { items: await findDuplicateCandidates(app.db, request.params.id) };
    },
  );

  app.post(
    '/calls/:id/themes/confirm',
    {
      config: WRITE,
      schema: {
        tags: ['calls'],
        operationId: 'confirmCallThemes',
        summary: 'Conferma i temi proposti in automatico',
        params: CallParams,
        response: { 200: Type.Ref('EditorialCall'), ...ERRORS },
      },
    },
    async (request) =>
      change(request, request.params.id, async (trx) => {
        if (!(await trx.selectFrom('calls').select('id').where('id', '=', request.params.id).executeTakeFirst()))
          throw notFound('CALL_NOT_FOUND', 'Bando non trovato.');
        const confirmed = await trx
          .updateTable('call_themes')
          .set({ suggested: false })
          .where('call_id', '=', request.params.id)
          .where('suggested', '=', true)
          .returning('theme_code')
          .execute();
        if (confirmed.length > 0) {
          await trx
            .updateTable('calls')
            .set({ updated_at: sql`now()` })
            .where('id', '=', request.params.id)
            .execute();
          await recordAudit(trx, request, {
            action: 'call.themes-confirmed',
            entity: 'call',
            entityId: request.params.id,
            changes: { themes: confirmed.map((t) => t.theme_code) },
          });
        }
      }),
  );

  const transitions = [
    ['submit', WRITE, 'Manda il bando in revisione', (trx, actor, id, now) => submitCall(trx, actor, id, now)],
    [
      'approve',
      REVIEW,
      'Approva il bando (serve un secondo redattore se la revisione è obbligatoria)',
      (trx, actor, id, now) => approveCall(trx, actor, id, now, reviewRequired),
    ],
    ['publish', REVIEW, 'Pubblica il bando', (trx, actor, id, now) => publishCall(trx, actor, id, now, reviewRequired)],
    ['archive', REVIEW, 'Archivia il bando', (trx, actor, id, now) => archiveCall(trx, actor, id, now)],
  ] as const satisfies readonly (readonly [
    string,
    { access: Access },
    string,
    (trx: Transaction<Database>, actor: Actor, id: string, now: Clock) => Promise<unknown>,
  ])[];
  for (const [verb, config, summary, run] of transitions) {
    app.post(
      `/calls/:id/${verb}`,
      {
        config: config as { access: Access },
        schema: {
          tags: ['calls'],
          operationId: `${verb}Call`,
          summary,
          params: CallParams,
          response: { 200: Type.Ref('EditorialCall'), ...TRANSITION_ERRORS },
        },
      },
      async (request) => change(request, request.params.id, (trx, actor, now) => run(trx, actor, request.params.id, now)),
    );
  }

  const revisionSteps = [
    ['submit', 'submitCallRevision', WRITE, 'Manda in revisione le modifiche a un bando pubblicato', (trx, actor, id) => submitRevision(trx, actor, id)],
    [
      'approve',
      'approveCallRevision',
      REVIEW,
      'Approva le modifiche (con la revisione obbligatoria, non chi le ha scritte o mandate in revisione)',
      (trx, actor, id) => approveRevision(trx, actor, id, reviewRequired),
    ],
    [
      'publish',
      'publishCallRevision',
      REVIEW,
      'Pubblica le modifiche approvate: sostituiscono la versione pubblica',
      (trx, actor, id, now) => publishRevision(trx, actor, id, now, reviewRequired),
    ],
    [
      'discard',
      'discardCallRevision',
      WRITE,
      'Scarta le modifiche in attesa: il bando pubblicato resta com’è',
      (trx, actor, id) => discardRevision(trx, actor, id),
    ],
  ] as const satisfies readonly (readonly [
    string,
    string,
    { access: Access },
    string,
    (trx: Transaction<Database>, actor: Actor, id: string, now: Clock) => Promise<unknown>,
  ])[];
  for (const [verb, operationId, config, summary, run] of revisionSteps) {
    app.post(
      `/calls/:id/revision/${verb}`,
      {
        config: config as { access: Access },
        schema: {
          tags: ['calls'],
          operationId,
          summary,
          params: CallParams,
          response: {
            200: Type.Ref('EditorialCall'),
            ...TRANSITION_ERRORS,
            ...problemResponses({ 404: 'Bando non trovato o senza modifiche in attesa', 422: 'Dati incoerenti' }),
          },
        },
      },
      async (request) => change(request, request.params.id, (trx, actor, now) => run(trx, actor, request.params.id, now)),
    );
  }

  app.post(
    '/calls/:id/schedule',
    {
      config: REVIEW,
      schema: {
        tags: ['calls'],
        operationId: 'scheduleCall',
        summary: 'Programma la pubblicazione',
        params: CallParams,
        body: Type.Object({ publishAt: Type.String({ format: 'date-time' }) }, { additionalProperties: false }),
        response: { 200: Type.Ref('EditorialCall'), ...TRANSITION_ERRORS, ...problemResponses({ 422: 'Data passata' }) },
      },
    },
    async (request) =>
      change(request, request.params.id, (trx, actor, now) =>
        scheduleCall(trx, actor, request.params.id, now, reviewRequired, new Date(request.body.publishAt)),
      ),
  );

  app.post(
    '/calls/:id/withdraw',
    {
      config: REVIEW,
      schema: {
        tags: ['calls'],
        operationId: 'withdrawCall',
        summary: 'Ritira un bando pubblicato',
        params: CallParams,
        body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 1000 }) }, { additionalProperties: false }),
        response: { 200: Type.Ref('EditorialCall'), ...TRANSITION_ERRORS },
      },
    },
    async (request) => change(request, request.params.id, (trx, actor, now) => withdrawCall(trx, actor, request.params.id, now, request.body.reason)),
  );

  app.post(
    '/calls/:id/merge',
    {
      config: REVIEW,
      schema: {
        tags: ['calls'],
        operationId: 'mergeCalls',
        summary: 'Unisce un duplicato in questo bando, che ne tiene le fonti',
        params: CallParams,
        body: Type.Object({ duplicateId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        response: { 200: Type.Ref('EditorialCall'), ...TRANSITION_ERRORS, ...problemResponses({ 422: 'Unione non valida' }) },
      },
    },
    async (request) => change(request, request.params.id, (trx, actor, now) => mergeCalls(trx, actor, request.params.id, request.body.duplicateId, now)),
  );
};

export default editorialRoutes;
