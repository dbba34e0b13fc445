import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { sql, type Selectable } from 'kysely';
import type { WebhooksTable } from '../../plugins/db/schema.ts';
import type { Access } from '../auth/index.ts';
import { accountableUser } from '../auth/index.ts';
import { forbidden, notFound, unprocessable } from '../../shared/domain-errors.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { page, PageQuery } from '../../plugins/pagination.ts';
import { Type, Nullable } from '../../shared/schema.ts';
import { webhookBody } from './alerts.dispatch.ts';
import { listDeliveries } from './alerts.queries.ts';
import { postWebhook } from './webhooks.sender.ts';
import { webhookTargetProblem } from './webhooks.target.ts';

const Webhook = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    url: Type.String({ format: 'uri' }),
    description: Nullable(Type.String()),
    active: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Webhook' },
);
const WebhookWithSecret = Type.Composite(
  [Webhook, Type.Object({ secret: Type.String({ description: 'Chiave HMAC-SHA256: mostrata solo ora, conservala' }) })],
  { $id: 'WebhookWithSecret', additionalProperties: false },
);
const WebhookInput = Type.Object(
  {
    url: Type.String({ format: 'uri', maxLength: 2000, description: 'Indirizzo https che riceve le consegne (POST JSON firmato)' }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
    active: Type.Optional(Type.Boolean({ default: true })),
  },
  { $id: 'WebhookInput', additionalProperties: false },
);
const WebhookPatch = Type.Partial(WebhookInput, { $id: 'WebhookPatch', additionalProperties: false });
const TestResult = Type.Object(
  {
    delivered: Type.Boolean(),
    status: Nullable(Type.Integer({ format: 'int32' })),
    error: Nullable(Type.String()),
    deliveryId: Type.Integer({ format: 'int64' }),
  },
  { $id: 'WebhookTestResult' },
);

type Owner = { kind: 'comune'; istat: string } | { kind: 'aggregation'; id: string };
const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;
const toWebhook = (row: Selectable<WebhooksTable>) => ({
  id: row.id,
  url: row.url,
  description: row.description,
  active: row.active,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/**
 * Webhooks of a comune (`/comuni/{istat}/webhooks`, its RTDs) or of an aggregation
 * (`/aggregations/{id}/webhooks`, the RTDs of its office): signed JSON deliveries of the alerts of
 * that comune or of the aggregation's current members, with retries, a log and a test send.
 */
function webhookRoutes(scope: 'comune' | 'aggregation'): FastifyPluginAsyncTypebox {
  return async (app) => {
    const base = scope === 'comune' ? '/comuni/:istat/webhooks' : '/aggregations/:owner/webhooks';
    const OwnerParams =
      scope === 'comune' ? Type.Object({ istat: Type.String({ pattern: '^[0-9]{6}$' }) }) : Type.Object({ owner: Type.String({ format: 'uuid' }) });
    const ItemParams = Type.Composite([OwnerParams, Type.Object({ id: Type.String({ format: 'uuid' }) })]);
    // An aggregation's office is checked in `ownerOf`: permissions are per comune.
    const access: { access: Access } = {
      access: {
        permission: 'subscriptions:write',
        ...(scope === 'comune' && { comune: (request: FastifyRequest) => (request.params as { istat: string }).istat }),
      },
    };
    const tag = scope === 'comune' ? 'del comune' : 'dell’aggregazione';
    const suffix = scope === 'comune' ? 'Comune' : 'Aggregation';
    const ERRORS = { 401: 'Non autenticato', 403: 'Solo gli RTD del comune o dell’ufficio associato', 404: 'Comune, aggregazione o webhook non trovati' };

    /** The owner, after checking it exists and that the principal may manage its webhooks. */
    async function ownerOf(request: FastifyRequest): Promise<Owner> {
      const params = request.params as { istat?: string; owner?: string };
      if (scope === 'comune') {
        const comune = await app.db.selectFrom('comuni').select('istat').where('istat', '=', params.istat!).executeTakeFirst();
        if (!comune) throw notFound('COMUNE_NOT_FOUND', `Nessun comune con codice ISTAT ${params.istat}.`);
        return { kind: 'comune', istat: comune.istat };
      }
      const aggregation = await app.db.selectFrom('aggregations').select('id').where('id', '=', params.owner!).executeTakeFirst();
      if (!aggregation) throw notFound('AGGREGATION_NOT_FOUND', 'Aggregazione non trovata.');
      const principal = request.principal!;
      if (principal.comuni !== 'all') {
        // Belonging to an office is a person's membership: a token limited to some comuni has none.
        const office = principal.userId
          ? await app.db
              .selectFrom('memberships')
              .select('id')
              .where('user_id', '=', principal.userId)
              .where('aggregation_id', '=', aggregation.id)
              .executeTakeFirst()
          : undefined;
        if (!office) throw forbidden('Solo gli RTD dell’ufficio associato possono gestire i webhook di questa aggregazione.');
      }
      return { kind: 'aggregation', id: aggregation.id };
    }
    const ownedBy = (owner: Owner) => (owner.kind === 'comune' ? (['comune_istat', owner.istat] as const) : (['aggregation_id', owner.id] as const));
    async function findOwned(owner: Owner, id: string) {
      const [column, value] = ownedBy(owner);
      const row = await app.db.selectFrom('webhooks').selectAll().where('id', '=', id).where(column, '=', value).executeTakeFirst();
      if (!row) throw notFound('WEBHOOK_NOT_FOUND', 'Webhook non trovato.');
      return row;
    }
    async function assertTarget(url: string) {
      const problem = await webhookTargetProblem(url, app.config.outboundAllowPrivateNetworks);
      if (problem) throw unprocessable('INVALID_WEBHOOK_URL', 'L’indirizzo del webhook non è utilizzabile.', [{ field: 'body.url', message: problem }]);
    }

    app.get(
      base,
      {
        config: access,
        schema: {
          tags: ['alerts'],
          operationId: `list${suffix}Webhooks`,
          summary: `Webhook ${tag}`,
          params: OwnerParams,
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('Webhook')) }), ...problemResponses(ERRORS) },
        },
      },
      async (request) => {
        const [column, value] = ownedBy(await ownerOf(request));
        return { items: (await app.db.selectFrom('webhooks').selectAll().where(column, '=', value).orderBy('created_at').execute()).map(toWebhook) };
      },
    );

    app.post(
      base,
      {
        config: access,
        schema: {
          tags: ['alerts'],
          operationId: `create${suffix}Webhook`,
          summary: `Aggiungi un webhook ${tag}: la risposta contiene la chiave di firma`,
          params: OwnerParams,
          body: Type.Ref('WebhookInput'),
          response: { 201: Type.Ref('WebhookWithSecret'), ...problemResponses({ ...ERRORS, 422: 'Indirizzo non utilizzabile' }) },
        },
      },
      async (request, reply) => {
        const owner = await ownerOf(request);
        const input = request.body as { url: string; description?: string | null; active?: boolean };
        await assertTarget(input.url);
        const [column, value] = ownedBy(owner);
        const row = await app.db
          .insertInto('webhooks')
          .values({
            [column]: value,
            url: input.url,
            description: input.description ?? null,
            active: input.active ?? true,
            secret: newSecret(),
            created_by: accountableUser(request.principal),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return reply
          .code(201)
          .header('location', `${request.url}/${row.id}`)
          .send({ ...toWebhook(row), secret: row.secret });
      },
    );

    app.get(
      `${base}/:id`,
      {
        config: access,
        schema: {
          tags: ['alerts'],
          operationId: `get${suffix}Webhook`,
          summary: `Un webhook ${tag}`,
          params: ItemParams,
          response: { 200: Type.Ref('Webhook'), ...problemResponses(ERRORS) },
        },
      },
      async (request) => toWebhook(await findOwned(await ownerOf(request), (request.params as { id: string }).id)),
    );

    app.patch(
      `${base}/:id`,
      {
        config: access,
        schema: {
          tags: ['alerts'],
          operationId: `update${suffix}Webhook`,
          summary: `Modifica o disattiva un webhook ${tag}`,
          params: ItemParams,
          body: Type.Ref('WebhookPatch'),
          response: { 200: Type.Ref('Webhook'), ...problemResponses({ ...ERRORS, 422: 'Indirizzo non utilizzabile' }) },
        },
      },
      async (request) => {
        const hook = await findOwned(await ownerOf(request), (request.params as { id: string }).id);
        const patch = request.body as { url?: string; description?: string | null; active?: boolean };
        if (patch.url !== undefined) await assertTarget(patch.url);
        const row = await app.db
          .updateTable('webhooks')
          .set({
            ...(patch.url !== undefined && { url: patch.url }),
            ...(patch.description !== undefined && { description: patch.description }),
            ...(patch.active !== undefined && { active: patch.active }),
            updated_at: sql<Date>`now()`,
          })
          .where('id', '=', hook.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toWebhook(row);
      },
    );

    app.delete(
      `${base}/:id`,
      {
        config: access,
        schema: {
          tags: ['alerts'],
          operationId: `delete${suffix}Webhook`,
          summary: `Elimina un webhook ${tag} e il suo registro`,
          params: ItemParams,
          response: { 204: Type.Null(), ...problemResponses(ERRORS) },
        },
      },
      async (request, reply) => {
        const hook = await findOwned(await ownerOf(request), (request.params as { id: string }).id);
        await app.db.deleteFrom('webhooks').where('id', '=', hook.id).execute();
        return reply.code(204).send(null);
      },
    );

    app.post(
      `${base}/:id/rotate-secret`,
      {
        config: access,
        schema: {
          tags: ['alerts'],
          operationId: `rotate${suffix}WebhookSecret`,
          summary: 'Nuova chiave di firma (le consegne in coda useranno quella nuova)',
          params: ItemParams,
          response: { 200: Type.Ref('WebhookWithSecret'), ...problemResponses(ERRORS) },
        },
      },
      async (request) => {
        const hook = await findOwned(await ownerOf(request), (request.params as { id: string }).id);
        const row = await app.db
          .updateTable('webhooks')
          .set({ secret: newSecret(), updated_at: sql<Date>`now()` })
          .where('id', '=', hook.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return { ...toWebhook(row), secret: row.secret };
      },
    );

    app.post(
      `${base}/:id/test`,
      {
        config: access,
        schema: {
          tags: ['alerts'],
          operationId: `test${suffix}Webhook`,
          summary: 'Invia subito una consegna di prova (evento "ping") e dice com’è andata',
          params: ItemParams,
          response: { 200: Type.Ref('WebhookTestResult'), ...problemResponses(ERRORS) },
        },
      },
      async (request) => {
        const hook = await findOwned(await ownerOf(request), (request.params as { id: string }).id);
        const key = `webhook:${hook.id}:test:${randomBytes(8).toString('hex')}`;
        const body = webhookBody(key, 'ping', {
          message: {
            title: 'Prova del webhook del Cruscotto',
            body: 'Se leggi questo messaggio, il webhook funziona e la firma si verifica con la tua chiave.',
          },
        });
        let status: number | null = null;
        let error: string | null = (await webhookTargetProblem(hook.url, app.config.outboundAllowPrivateNetworks)) ?? null;
        if (!error) {
          try {
            status = await postWebhook({
              url: hook.url,
              secret: hook.secret,
              event: 'ping',
              deliveryId: key,
              body,
              allowPrivateNetworks: app.config.outboundAllowPrivateNetworks,
            });
          } catch (e) {
            error = (e as Error).message;
          }
        }
        const delivery = await app.db
          .insertInto('alert_deliveries')
          .values({
            idempotency_key: key,
            webhook_id: hook.id,
            channel: 'webhook',
            kind: 'test',
            status: error ? 'dead' : 'sent',
            attempts: 1,
            last_error: error,
            sent_at: error ? null : sql<Date>`now()`,
            message: JSON.stringify({ to: hook.url, subject: 'ping', body }),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return { delivered: error === null, status, error, deliveryId: Number(delivery.id) };
      },
    );

    app.get(
      `${base}/:id/deliveries`,
      {
        config: access,
        schema: {
          tags: ['alerts'],
          operationId: `list${suffix}WebhookDeliveries`,
          summary: 'Registro delle consegne del webhook: in coda, consegnate, non consegnate (con il motivo)',
          params: ItemParams,
          querystring: Type.Object({ status: Type.Optional(Type.String({ enum: ['queued', 'sent', 'dead'] })), ...PageQuery }, { additionalProperties: false }),
          response: { 200: Type.Ref('AlertDeliveryPage'), ...problemResponses(ERRORS) },
        },
      },
      async (request) => {
        const hook = await findOwned(await ownerOf(request), (request.params as { id: string }).id);
        const { limit, offset, status } = request.query as { limit: number; offset: number; status?: 'queued' | 'sent' | 'dead' };
        const { items, total } = await listDeliveries(app.db, { status, limit, offset, webhookId: hook.id });
        return page(request, items, total, limit, offset);
      },
    );
  };
}

export const webhookSchemas = [Webhook, WebhookWithSecret, WebhookInput, WebhookPatch, TestResult];
export const comuneWebhooksRoutes = webhookRoutes('comune');
export const aggregationWebhooksRoutes = webhookRoutes('aggregation');
