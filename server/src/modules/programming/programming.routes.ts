import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../auth/index.ts';
import { badRequest } from '../../shared/domain-errors.ts';
import { assertComuneExists, comuneNotFound } from '../comuni/index.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { page } from '../../plugins/pagination.ts';
import { IstatParams } from '../comuni/index.ts';
import { renderCsv, TEMPLATE_EXAMPLE } from './programming.csv.ts';
import { importProgramming } from './programming.import.ts';
import { toProgrammingItem } from './programming.mappers.ts';
import { allItems } from './programming.queries.ts';
import { ItemParams, ProgrammingListQuery, type ProgrammingItemInput } from './programming.schemas.ts';
import { createItem, removeItem, replaceItem, valuesOf } from './programming.service.ts';

const comuneOf = (request: FastifyRequest) => (request.params as { istat: string }).istat;
const READ = { access: { permission: 'comuni:read-private' as const, comune: comuneOf } };
const WRITE = { access: { permission: 'programming:write' as const, comune: comuneOf } };
const ERRORS = problemResponses({ 401: 'Non autenticato', 403: 'Non puoi vedere o modificare questo comune', 404: 'Comune o intervento non trovato' });
const CsvFile = Type.String({ description: 'CSV separato da punto e virgola, UTF-8' });

/** The comune's three-year ICT plan: interventions with themes, years, cost, status and funding. */
const programmingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const assertComune = (istat: string) => assertComuneExists(app.db, istat);
  const changed = (istat: string) => {
    app.profileCache.invalidate(istat);
    app.programmingListCache.invalidate(istat);
  };

  app.get(
    '/comuni/:istat/programming',
    {
      config: READ,
      schema: {
        tags: ['programming'],
        operationId: 'listProgramming',
        summary: 'Interventi della programmazione ICT del comune',
        params: IstatParams,
        querystring: ProgrammingListQuery,
        response: { 200: Type.Ref('ProgrammingPage'), ...ERRORS },
      },
    },
    async (request) => {
      if (!(await app.profileCache.get(request.params.istat))) throw comuneNotFound(request.params.istat);
      const { limit, offset, ...filter } = request.query;
      const { items, total } = await app.programmingListCache.get(request.params.istat, { ...filter, limit, offset });
      return page(request, items, total, limit, offset);
    },
  );

  app.post(
    '/comuni/:istat/programming',
    {
      config: WRITE,
      schema: {
        tags: ['programming'],
        operationId: 'createProgrammingItem',
        summary: 'Aggiunge un intervento',
        params: IstatParams,
        body: Type.Ref('ProgrammingItemInput'),
        response: { 201: Type.Ref('ProgrammingItem'), ...ERRORS, ...problemResponses({ 409: 'Codice già usato', 422: 'Dati incoerenti' }) },
      },
    },
    async (request, reply) => {
      await assertComune(request.params.istat);
      const item = await app.db.transaction().execute((trx) => createItem(trx, request, request.params.istat, valuesOf(request.body as ProgrammingItemInput)));
      changed(request.params.istat);
      return reply.code(201).header('location', `/api/v1/comuni/${item.istat}/programming/${item.id}`).send(item);
    },
  );

  app.put(
    '/comuni/:istat/programming/:id',
    {
      config: WRITE,
      schema: {
        tags: ['programming'],
        operationId: 'replaceProgrammingItem',
        summary: 'Modifica un intervento',
        params: ItemParams,
        body: Type.Ref('ProgrammingItemInput'),
        response: { 200: Type.Ref('ProgrammingItem'), ...ERRORS, ...problemResponses({ 409: 'Codice già usato', 422: 'Dati incoerenti' }) },
      },
    },
    async (request) => {
      const { item } = await app.db
        .transaction()
        .execute((trx) => replaceItem(trx, request, request.params.istat, request.params.id, valuesOf(request.body as ProgrammingItemInput)));
      changed(request.params.istat);
      return item;
    },
  );

  app.delete(
    '/comuni/:istat/programming/:id',
    {
      config: WRITE,
      schema: {
        tags: ['programming'],
        operationId: 'deleteProgrammingItem',
        summary: 'Elimina un intervento',
        params: ItemParams,
        response: { 204: Type.Null(), ...ERRORS },
      },
    },
    async (request, reply) => {
      await app.db.transaction().execute((trx) => removeItem(trx, request, request.params.istat, request.params.id));
      changed(request.params.istat);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/comuni/:istat/programming/export',
    {
      config: READ,
      schema: {
        tags: ['programming'],
        operationId: 'exportProgramming',
        summary: 'Esporta la programmazione nel modello CSV',
        params: IstatParams,
        produces: ['text/csv'],
        response: { 200: CsvFile, ...ERRORS },
      },
    },
    async (request, reply) => {
      await assertComune(request.params.istat);
      const items = (await allItems(app.db, request.params.istat)).map(toProgrammingItem);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="programmazione-${request.params.istat}.csv"`)
        .send(renderCsv(items));
    },
  );

  app.post(
    '/comuni/:istat/programming/import',
    {
      bodyLimit: 5 * 1024 * 1024,
      config: WRITE,
      schema: {
        tags: ['programming'],
        operationId: 'importProgramming',
        summary: 'Importa interventi dal modello CSV (per codice: crea, aggiorna, lascia invariati)',
        consumes: ['text/csv'],
        params: IstatParams,
        response: { 200: Type.Ref('ImportReport'), ...ERRORS, ...problemResponses({ 415: 'Serve text/csv', 422: 'File non riconosciuto o colonne mancanti' }) },
      },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body)) throw badRequest('CSV_REQUIRED', 'Invia il file come corpo della richiesta con Content-Type text/csv.');
      await assertComune(request.params.istat);
      const report = await importProgramming(app.db, request, request.params.istat, request.body, {
        beforeCommit: (trx, r) =>
          recordAudit(trx, request, {
            action: 'import.programming',
            entity: 'comune',
            entityId: request.params.istat,
            changes: { created: r.created, updated: r.updated, unchanged: r.unchanged, rejected: r.rejected.length },
          }),
      });
      changed(request.params.istat);
      return report;
    },
  );

  app.get(
    '/programming/template',
    {
      config: { access: 'public' },
      schema: {
        tags: ['programming'],
        operationId: 'programmingTemplate',
        summary: 'Modello CSV della programmazione, con una riga di esempio',
        produces: ['text/csv'],
        response: { 200: CsvFile },
      },
    },
    async (_request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="modello-programmazione.csv"')
        .send(renderCsv([TEMPLATE_EXAMPLE])),
  );
};

export default programmingRoutes;
