import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { badRequest, notFound } from '../../shared/domain-errors.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { trackedTarget } from '../../shared/tracked-link.ts';
import { countUsage } from './indicators.counting.ts';
import { periodOf } from './indicators.period.ts';
import { setTarget } from './indicators.queries.ts';
import { FeedbackBody, Indicators, PeriodQuery, TargetBody, TargetParams, TrackedLinkQuery } from './indicators.schemas.ts';
import { INDICATOR_KEYS, indicatorsOf } from './indicators.service.ts';
import { saveFeedback } from './feedback.queries.ts';

const DENIED = problemResponses({ 401: 'Non autenticato', 403: 'Solo per Regione, ANCI, redazione e amministratori' });

/** The programme's indicators against their targets, and the counting a server can do without knowing who. */
const indicatorsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Indicators);

  app.get(
    '/analytics/indicators',
    {
      config: { access: { permission: 'analytics:read' } },
      schema: {
        tags: ['indicators'],
        operationId: 'getIndicators',
        summary: 'Gli indicatori del programma (DGR 5269/2021) nel periodo, con i loro obiettivi',
        querystring: PeriodQuery,
        response: { 200: Type.Ref('Indicators'), ...problemResponses({ 400: 'Periodo non valido' }), ...DENIED },
      },
    },
    async (request) => indicatorsOf(app.db, app.clock().now, periodOf(request.query, app.clock().now)),
  );

  app.put(
    '/analytics/indicators/targets/:key',
    {
      config: { access: { permission: 'registry:manage' } },
      schema: {
        tags: ['indicators'],
        operationId: 'setIndicatorTarget',
        summary: 'Cambia l’obiettivo di un indicatore',
        params: TargetParams,
        body: TargetBody,
        response: { 204: Type.Null(), ...problemResponses({ 401: 'Non autenticato', 403: 'Solo per gli amministratori', 404: 'Indicatore sconosciuto' }) },
      },
    },
    async (request, reply) => {
      if (!(INDICATOR_KEYS as readonly string[]).includes(request.params.key)) throw notFound('INDICATOR_NOT_FOUND', 'Indicatore sconosciuto.');
      await setTarget(app.db, request.params.key, request.body.target);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/calls/:id/feedback',
    {
      config: { access: 'public' },
      schema: {
        tags: ['indicators'],
        operationId: 'answerFeedback',
        summary: 'Risponde a “Ti è stato utile?” sulla scheda di un bando: si conserva la risposta, non chi l’ha data',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: FeedbackBody,
        response: { 204: Type.Null(), ...problemResponses({ 404: 'Bando non trovato' }) },
      },
    },
    async (request, reply) => {
      const saved = await saveFeedback(app.db, app.clock().now, request.params.id, request.body.useful, request.body.comment);
      if (!saved) throw notFound('CALL_NOT_FOUND', 'Bando non trovato o non pubblicato.');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/r/alert',
    {
      config: { access: 'public' },
      schema: {
        tags: ['indicators'],
        operationId: 'followAlertLink',
        summary: 'Il link di un avviso e-mail: conta l’apertura (senza sapere chi) e porta alla pagina',
        querystring: TrackedLinkQuery,
        response: { 302: Type.Null(), ...problemResponses({ 400: 'Link non valido' }) },
      },
    },
    async (request, reply) => {
      const target = trackedTarget(app.config.sessionSecret, request.query.to, request.query.s);
      if (!target) throw badRequest('LINK_NOT_SIGNED', 'Questo link non è valido: apri il Cruscotto dalla pagina iniziale.');
      await countUsage(app.db, app.clock().now, 'alert_click');
      return reply.redirect(target, 302);
    },
  );
};

export default indicatorsRoutes;
