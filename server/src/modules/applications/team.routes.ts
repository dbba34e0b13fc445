import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import type { FastifyRequest } from 'fastify';
import { problemResponses } from '../../plugins/openapi.ts';
import { page, PageOnlyQuery } from '../../plugins/pagination.ts';
import { accountableUser, userOf } from '../auth/index.ts';
import { alertOptions } from '../alerts/index.ts';
import { assertComuneExists, IstatParams } from '../comuni/index.ts';
import { applicationDetail, applicationNotes } from './applications.detail.ts';
import { toActivity } from './applications.mappers.ts';
import { eventsOf, type Trx } from './applications.queries.ts';
import { COLLABORATE, ERRORS, READ } from './applications.routes.ts';
import { ApplicationParams, NoteParams, StepParams, type StepChange, type StepInput } from './applications.schemas.ts';
import { existingApplication, workContext } from './applications.service.ts';
import { dayOffset } from './applications.steps.ts';
import { addNote, editNote, setFollowing } from './notes.service.ts';
import { addStep, changeStep, removeStep } from './steps.service.ts';

const WRONG = problemResponses({ 422: 'Dati non validi' });

/** Working on an application as a team: steps, notes with mentions, followers, the comune's activity. */
const teamRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** Runs a change to an existing application in one transaction, then answers with the page as it is now. */
  const onApplication = async <T>(
    request: FastifyRequest,
    work: (ctx: ReturnType<typeof workContext>, application: Awaited<ReturnType<typeof existingApplication>>) => Promise<T>,
  ) => {
    const { istat, callId } = request.params as { istat: string; callId: string };
    return app.db.transaction().execute(async (trx: Trx) => {
      const application = await existingApplication(trx, istat, callId);
      return work(workContext(trx, accountableUser(request.principal), app.clock().now, alertOptions(app.config)), application);
    });
  };
  const detail = (request: FastifyRequest) => {
    const { istat, callId } = request.params as { istat: string; callId: string };
    return applicationDetail(app.db, istat, callId, request.principal?.userId ?? null, dayOffset(app.clock().now, 0));
  };

  app.post(
    '/comuni/:istat/applications/:callId/steps',
    {
      config: COLLABORATE,
      schema: {
        tags: ['applications'],
        operationId: 'addApplicationStep',
        summary: 'Aggiunge un passo (o un traguardo, fase attuazione) con scadenza e incaricato',
        params: ApplicationParams,
        body: Type.Ref('ApplicationStepInput'),
        response: { 201: Type.Ref('Application'), ...ERRORS, ...WRONG },
      },
    },
    async (request, reply) => {
      await onApplication(request, (ctx, application) => addStep(ctx, application, request.body as StepInput));
      return reply.code(201).send(await detail(request));
    },
  );

  app.patch(
    '/comuni/:istat/applications/:callId/steps/:stepId',
    {
      config: COLLABORATE,
      schema: {
        tags: ['applications'],
        operationId: 'changeApplicationStep',
        summary: 'Spunta, riapre, rinomina, sposta o riassegna un passo',
        params: StepParams,
        body: Type.Ref('ApplicationStepChange'),
        response: { 200: Type.Ref('Application'), ...ERRORS, ...WRONG },
      },
    },
    async (request) => {
      await onApplication(request, (ctx, application) => changeStep(ctx, application, request.params.stepId, request.body as StepChange));
      return detail(request);
    },
  );

  app.delete(
    '/comuni/:istat/applications/:callId/steps/:stepId',
    {
      config: COLLABORATE,
      schema: {
        tags: ['applications'],
        operationId: 'deleteApplicationStep',
        summary: 'Elimina un passo',
        params: StepParams,
        response: { 200: Type.Ref('Application'), ...ERRORS },
      },
    },
    async (request) => {
      await onApplication(request, (ctx, application) => removeStep(ctx, application, request.params.stepId));
      return detail(request);
    },
  );

  app.get(
    '/comuni/:istat/applications/:callId/notes',
    {
      config: READ,
      schema: {
        tags: ['applications'],
        operationId: 'listApplicationNotes',
        summary: 'Le note della candidatura, con le versioni precedenti e i colleghi citati',
        params: ApplicationParams,
        response: { 200: Type.Ref('ApplicationNoteList'), ...ERRORS },
      },
    },
    async (request) => ({ items: await applicationNotes(app.db, request.params.istat, request.params.callId) }),
  );

  app.post(
    '/comuni/:istat/applications/:callId/notes',
    {
      config: COLLABORATE,
      schema: {
        tags: ['applications'],
        operationId: 'addApplicationNote',
        summary: 'Scrive una nota; chi è citato con @nome riceve un avviso',
        params: ApplicationParams,
        body: Type.Ref('ApplicationNoteInput'),
        response: { 201: Type.Ref('ApplicationNoteList'), ...ERRORS, ...WRONG },
      },
    },
    async (request, reply) => {
      await onApplication(request, (ctx, application) => addNote(ctx, application, (request.body as { body: string }).body));
      return reply.code(201).send({ items: await applicationNotes(app.db, request.params.istat, request.params.callId) });
    },
  );

  app.put(
    '/comuni/:istat/applications/:callId/notes/:noteId',
    {
      config: COLLABORATE,
      schema: {
        tags: ['applications'],
        operationId: 'editApplicationNote',
        summary: 'Modifica una nota; il testo precedente resta tra le versioni',
        params: NoteParams,
        body: Type.Ref('ApplicationNoteInput'),
        response: { 200: Type.Ref('ApplicationNoteList'), ...ERRORS, ...WRONG },
      },
    },
    async (request) => {
      await onApplication(request, (ctx, application) => editNote(ctx, application, request.params.noteId, (request.body as { body: string }).body));
      return { items: await applicationNotes(app.db, request.params.istat, request.params.callId) };
    },
  );

  for (const [method, following] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    app[method](
      '/comuni/:istat/applications/:callId/follow',
      {
        config: { access: { ...READ.access, person: true as const } },
        schema: {
          tags: ['applications'],
          operationId: following ? 'followApplication' : 'unfollowApplication',
          summary: following ? 'Segue la candidatura: avvisi a ogni cambio di stato' : 'Smette di seguire la candidatura',
          params: ApplicationParams,
          response: { 200: Type.Ref('Application'), ...ERRORS },
        },
      },
      async (request: FastifyRequest) => {
        await onApplication(request, (ctx, application) => setFollowing(ctx, application, userOf(request.principal), following));
        return detail(request);
      },
    );
  }

  app.get(
    '/comuni/:istat/activity',
    {
      config: READ,
      schema: {
        tags: ['applications'],
        operationId: 'listComuneActivity',
        summary: 'Attività del comune sulle candidature: stati, passi, note, chi segue',
        params: IstatParams,
        querystring: PageOnlyQuery,
        response: { 200: Type.Ref('ActivityPage'), ...ERRORS },
      },
    },
    async (request) => {
      await assertComuneExists(app.db, request.params.istat);
      const { limit, offset } = request.query;
      const { rows, total } = await eventsOf(app.db, { comune: request.params.istat }, limit, offset);
      return page(request, rows.map(toActivity), total, limit, offset);
    },
  );
};

export default teamRoutes;
