import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { notFound, unprocessable, type FieldProblem } from '../../shared/domain-errors.ts';
import { validUnsubscribeToken } from './alerts.email.ts';
import { userOf } from '../auth/index.ts';
import { PERSON_403, PERSON_WRITE_403 } from '../auth/index.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { page, PageOf, PageQuery } from '../../plugins/pagination.ts';
import type { Principal } from '../auth/index.ts';
import { unknownThemeMessage, unknownThemes } from '../themes/index.ts';
import { findSubscription, listDeliveries, listNotifications, listOutbox, markRead, saveSubscription } from './alerts.queries.ts';
import { Notification, Subscription, type SubscriptionInput } from './alerts.schemas.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';

const NotificationPage = PageOf(Type.Ref('Notification'), 'NotificationPage', { unreadCount: Type.Integer({ format: 'int32' }) });
const PERSON = { access: 'person' as const };

/** Every field that cannot be saved, in Italian: unknown themes, comuni that do not exist or the user does not serve. */
async function subscriptionErrors(db: Kysely<Database>, principal: Principal, input: SubscriptionInput): Promise<FieldProblem[]> {
  const errors: FieldProblem[] = [];
  for (const theme of await unknownThemes(db, input.themes)) errors.push({ field: 'body.themes', message: unknownThemeMessage(theme) });
  const comuni = input.comuni;
  const known = new Set(comuni.length === 0 ? [] : (await db.selectFrom('comuni').select('istat').where('istat', 'in', comuni).execute()).map((c) => c.istat));
  comuni.forEach((istat, i) => {
    if (!known.has(istat)) errors.push({ field: `body.comuni.${i}`, message: `Nessun comune con codice ISTAT ${istat}.` });
    else if (principal.comuni !== 'all' && !principal.comuni.has(istat))
      errors.push({ field: `body.comuni.${i}`, message: `Puoi seguire solo i comuni di cui sei RTD (${istat} non lo è).` });
  });
  return errors;
}

/** The signed-in user's alert preferences and in-app notifications. */
const alertsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Subscription);
  app.addSchema(Notification);
  app.addSchema(NotificationPage);
  const READ_ERRORS = problemResponses({ 401: 'Non autenticato', 403: PERSON_403 });

  app.get(
    '/me/subscriptions',
    {
      config: PERSON,
      schema: {
        tags: ['alerts'],
        operationId: 'getMySubscription',
        summary: 'Le mie preferenze di avviso (comuni, canali, filtri, promemoria)',
        response: { 200: Type.Ref('AlertSubscription'), ...READ_ERRORS },
      },
    },
    async (request) => findSubscription(app.db, userOf(request.principal)),
  );

  app.put(
    '/me/subscriptions',
    {
      config: PERSON,
      schema: {
        tags: ['alerts'],
        operationId: 'putMySubscription',
        summary: 'Aggiorna le mie preferenze di avviso',
        body: Type.Ref('AlertSubscription'),
        response: {
          200: Type.Ref('AlertSubscription'),
          ...problemResponses({ 401: 'Non autenticato', 403: PERSON_WRITE_403, 422: 'Temi o comuni non validi' }),
        },
      },
    },
    async (request) => {
      const userId = userOf(request.principal);
      const input = request.body as SubscriptionInput;
      const errors = await subscriptionErrors(app.db, request.principal!, input);
      if (errors.length > 0) throw unprocessable('INVALID_SUBSCRIPTION', 'Alcune preferenze non possono essere salvate.', errors);
      return saveSubscription(app.db, userId, input);
    },
  );

  app.get(
    '/me/notifications',
    {
      config: PERSON,
      schema: {
        tags: ['alerts'],
        operationId: 'listMyNotifications',
        summary: 'Le mie notifiche, le più recenti prima, con il numero di quelle non lette',
        querystring: Type.Object({ unread: Type.Boolean({ default: false, description: 'Solo le non lette' }), ...PageQuery }, { additionalProperties: false }),
        response: { 200: Type.Ref('NotificationPage'), ...READ_ERRORS },
      },
    },
    async (request) => {
      const { unread, limit, offset } = request.query;
      const { items, total, unreadCount } = await listNotifications(app.db, userOf(request.principal), { unreadOnly: unread, limit, offset });
      return { ...page(request, items, total, limit, offset), unreadCount };
    },
  );

  app.post(
    '/me/notifications/read',
    {
      config: PERSON,
      schema: {
        tags: ['alerts'],
        operationId: 'markMyNotificationsRead',
        summary: 'Segna come lette alcune notifiche (o tutte, senza ids)',
        body: Type.Object(
          { ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1, format: 'int64' }), { maxItems: 500 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ unreadCount: Type.Integer({ format: 'int32' }) }),
          ...problemResponses({ 401: 'Non autenticato', 403: PERSON_WRITE_403 }),
        },
      },
    },
    async (request) => ({ unreadCount: await markRead(app.db, userOf(request.principal), request.body.ids) }),
  );
};

/** RFC 8058 one-click unsubscribe from the e-mail's List-Unsubscribe header: no login, a signed token. */
export const unsubscribeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Mail clients post the form body "List-Unsubscribe=One-Click"; nothing else of it matters.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_request, body, done) => done(null, body));
  app.post(
    '/alerts/unsubscribe/:user/:token',
    {
      config: { access: 'public', csrf: 'none' },
      schema: {
        tags: ['alerts'],
        operationId: 'unsubscribeEmailAlerts',
        summary: 'Disiscrizione con un clic dagli avvisi per e-mail (RFC 8058), con il collegamento firmato del messaggio',
        params: Type.Object({ user: Type.String({ format: 'uuid' }), token: Type.String({ minLength: 10, maxLength: 100 }) }),
        response: { 204: Type.Null(), ...problemResponses({ 404: 'Collegamento di disiscrizione non valido' }) },
      },
    },
    async (request, reply) => {
      const { user, token } = request.params;
      if (!validUnsubscribeToken(app.config.sessionSecret, user, token))
        throw notFound('UNSUBSCRIBE_LINK_INVALID', 'Il collegamento per la disiscrizione non è valido: usa quello dell’ultimo messaggio ricevuto.');
      const current = await findSubscription(app.db, user);
      await saveSubscription(app.db, user, { ...current, email: 'off' });
      return reply.code(204).send(null);
    },
  );
};

/** For admins: every message, queued, sent or given up ("dead", with the reason). */
export const deliveriesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/alert-deliveries',
    {
      config: { access: { permission: 'deliveries:read' } },
      schema: {
        tags: ['alerts'],
        operationId: 'listAlertDeliveries',
        summary: 'Registro degli invii: in coda, inviati, non recapitati (con il motivo)',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.String({ enum: ['queued', 'sent', 'dead'] })),
            channel: Type.Optional(Type.String({ enum: ['email', 'webhook'] })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('AlertDeliveryPage'), ...problemResponses({ 401: 'Non autenticato', 403: 'Solo per gli amministratori' }) },
      },
    },
    async (request) => {
      const { limit, offset, status, channel } = request.query;
      const { items, total } = await listDeliveries(app.db, { status: status as 'queued' | undefined, channel: channel as 'email' | undefined, limit, offset });
      return page(request, items, total, limit, offset);
    },
  );

  app.get(
    '/mail-outbox',
    {
      config: { access: { permission: 'deliveries:read' } },
      schema: {
        tags: ['alerts'],
        operationId: 'listMailOutbox',
        summary: 'Posta in uscita non inviata (senza SMTP_URL i messaggi restano qui)',
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Type.Ref('OutboxPage'), ...problemResponses({ 401: 'Non autenticato', 403: 'Solo per gli amministratori' }) },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const { items, total } = await listOutbox(app.db, { limit, offset });
      return page(request, items, total, limit, offset);
    },
  );
};

export default alertsRoutes;
