import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemResponses } from '../../plugins/openapi.ts';
import { page } from '../../plugins/pagination.ts';
import { sendRendered } from '../../plugins/rendered-pages.ts';
import { accountableUser, peopleServing } from '../auth/index.ts';
import { alertOptions } from '../alerts/index.ts';
import { assertComuneExists, IstatParams } from '../comuni/index.ts';
import { applicationsCsv } from './applications.csv.ts';
import { applicationDetail } from './applications.detail.ts';
import { toSummary } from './applications.mappers.ts';
import { listSummaries, type SummaryFilter } from './applications.queries.ts';
import { ROLE_LABELS } from './applications.rules.ts';
import { ApplicationParams, ComuneListQuery, type ApplicationInput } from './applications.schemas.ts';
import { saveApplication, workContext } from './applications.service.ts';
import { dayOffset } from './applications.steps.ts';

const comuneOf = (request: FastifyRequest) => (request.params as { istat: string }).istat;
export const READ = { access: { permission: 'applications:read' as const, comune: comuneOf } };
export const WRITE = { access: { permission: 'applications:write' as const, comune: comuneOf } };
export const COLLABORATE = { access: { permission: 'applications:collaborate' as const, comune: comuneOf } };
export const ERRORS = problemResponses({
  401: 'Non autenticato',
  403: 'Non lavori per questo comune, o il tuo ruolo non lo consente',
  404: 'Comune, bando o candidatura non trovati',
});
/** Rows a CSV carries at most: far more than a comune or an office has. */
export const CSV_MAX_ROWS = 10_000;

export const wantsCsv = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/csv');
export const sendCsv = (reply: FastifyReply, fileName: string, body: string) =>
  reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${fileName}"`).send(body);

/** Lists of applications for a comune and for the office: JSON pages or the whole filtered list in CSV. */
export async function summaries(
  request: FastifyRequest,
  reply: FastifyReply,
  filter: Omit<SummaryFilter, 'limit' | 'offset'> & { limit: number; offset: number },
  fileName: string,
) {
  const today = dayOffset(request.server.clock().now, 0);
  if (wantsCsv(request)) {
    const rows = await listSummaries(request.server.db, { ...filter, limit: CSV_MAX_ROWS, offset: 0 }, today);
    return sendCsv(reply, fileName, applicationsCsv(rows.map(toSummary)));
  }
  const list = await request.server.applicationListCache.get(filter, today);
  return sendRendered(request, reply, list.rendered, () => page(request, list.items, list.total, filter.limit, filter.offset));
}

/** A comune's applications: the pipeline per call, the page of one, and the PUT that moves it. */
const applicationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const context = (request: FastifyRequest, trx: Parameters<typeof workContext>[0]) =>
    workContext(trx, accountableUser(request.principal), app.clock().now, alertOptions(app.config));

  app.get(
    '/comuni/:istat/applications',
    {
      config: READ,
      schema: {
        tags: ['applications'],
        operationId: 'listComuneApplications',
        summary: 'Candidature del comune, con il prossimo passo e le scadenze (anche in CSV con Accept: text/csv)',
        params: IstatParams,
        querystring: ComuneListQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: Type.Ref('ApplicationPage'), ...ERRORS },
      },
    },
    async (request, reply) => {
      await assertComuneExists(app.db, request.params.istat);
      const { status, callId, overdue, sort, limit, offset } = request.query;
      return summaries(
        request,
        reply,
        { comuni: [request.params.istat], status, callId, overdue, sort, limit, offset },
        `candidature-${request.params.istat}.csv`,
      );
    },
  );

  app.get(
    '/comuni/:istat/applications/:callId',
    {
      config: READ,
      schema: {
        tags: ['applications'],
        operationId: 'getApplication',
        summary: 'La candidatura del comune a un bando: stato, passi, traguardi, chi la segue, storia',
        params: ApplicationParams,
        response: { 200: Type.Ref('Application'), ...ERRORS },
      },
    },
    async (request) => applicationDetail(app.db, request.params.istat, request.params.callId, request.principal?.userId ?? null, dayOffset(app.clock().now, 0)),
  );

  app.put(
    '/comuni/:istat/applications/:callId',
    {
      config: WRITE,
      schema: {
        tags: ['applications'],
        operationId: 'saveApplication',
        summary: 'Crea o aggiorna la candidatura: stato (con il motivo se non pertinente), importo, CUP, protocollo',
        params: ApplicationParams,
        body: Type.Ref('ApplicationInput'),
        response: { 200: Type.Ref('Application'), 201: Type.Ref('Application'), ...ERRORS, ...problemResponses({ 422: 'Dati non validi' }) },
      },
    },
    async (request, reply) => {
      const { istat, callId } = request.params;
      await assertComuneExists(app.db, istat);
      const { created } = await app.db.transaction().execute((trx) => saveApplication(context(request, trx), istat, callId, request.body as ApplicationInput));
      const detail = await applicationDetail(app.db, istat, callId, request.principal?.userId ?? null, dayOffset(app.clock().now, 0));
      return reply.code(created ? 201 : 200).send(detail);
    },
  );

  app.get(
    '/comuni/:istat/team',
    {
      config: READ,
      schema: {
        tags: ['applications'],
        operationId: 'listComuneTeam',
        summary: 'Le persone che lavorano per il comune: RTD, personale e sola lettura (per assegnare i passi e citare nelle note)',
        params: IstatParams,
        response: { 200: Type.Ref('Team'), ...ERRORS },
      },
    },
    async (request) => {
      await assertComuneExists(app.db, request.params.istat);
      const people = await peopleServing(app.db, request.params.istat);
      const items = people.map((p) => ({
        id: p.id,
        name: p.name,
        role: p.role,
        roleLabel: ROLE_LABELS[p.role] ?? p.role,
      }));
      return { items };
    },
  );
};

export default applicationsRoutes;
