import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import type { Mailer, MailMessage } from '../../plugins/mail.ts';
import { postWebhook } from './webhooks.sender.ts';
import { webhookTargetProblem } from './webhooks.target.ts';

/** After this many failed attempts a message is given up ("dead") and shown to admins with the reason. */
export const MAX_ATTEMPTS = 8;
const MAX_BACKOFF_SECONDS = 3600;

/** A message that no retry can deliver: given up at once. */
class Undeliverable extends Error {}

interface WebhookMessage {
  to: string;
  subject: string;
  body: string;
}

export interface Channels {
  mailer: Mailer;
  webhooksAllowPrivateNetworks: boolean;
}

/** Sends one message on its channel; throws with the reason when it is not accepted. */
async function send(
  db: Kysely<Database>,
  channels: Channels,
  delivery: { channel: 'email' | 'webhook'; webhook_id: string | null; idempotency_key: string; message: unknown },
) {
  if (delivery.channel === 'email') return channels.mailer.send(delivery.message as MailMessage);
  // The endpoint's current address and secret: a rotated secret signs the retries too.
  const hook = await db.selectFrom('webhooks').select(['url', 'secret', 'active']).where('id', '=', delivery.webhook_id!).executeTakeFirst();
  if (!hook?.active) throw new Undeliverable('Webhook disattivato: consegna annullata');
  // Checked again when sending: a name can come to resolve to a private address after it was saved.
  const problem = await webhookTargetProblem(hook.url, channels.webhooksAllowPrivateNetworks);
  if (problem) throw new Undeliverable(problem);
  const message = delivery.message as WebhookMessage;
  await postWebhook({
    url: hook.url,
    secret: hook.secret,
    event: message.subject,
    deliveryId: delivery.idempotency_key,
    body: message.body,
    allowPrivateNetworks: channels.webhooksAllowPrivateNetworks,
  });
}

/** Sends the oldest due message, if any: locked while it is sent, marked sent in the same transaction. */
async function deliverOne(db: Kysely<Database>, channels: Channels): Promise<'none' | 'sent' | 'failed'> {
  return db.transaction().execute(async (trx) => {
    const delivery = await trx
      .selectFrom('alert_deliveries')
      .select(['id', 'message', 'attempts', 'channel', 'webhook_id', 'idempotency_key'])
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', sql<Date>`now()`)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!delivery) return 'none';
    try {
      await send(trx, channels, delivery);
      await trx
        .updateTable('alert_deliveries')
        .set({ status: 'sent', sent_at: sql<Date>`now()`, attempts: delivery.attempts + 1, last_error: null })
        .where('id', '=', delivery.id)
        .execute();
      return 'sent';
    } catch (error) {
      const attempts = delivery.attempts + 1;
      await trx
        .updateTable('alert_deliveries')
        .set({
          attempts,
          status: attempts >= MAX_ATTEMPTS || error instanceof Undeliverable ? 'dead' : 'queued',
          last_error: (error instanceof Error ? error.message : String(error)).slice(0, 500),
          next_attempt_at: sql<Date>`now() + make_interval(secs => ${Math.min(2 ** attempts, MAX_BACKOFF_SECONDS)})`,
        })
        .where('id', '=', delivery.id)
        .execute();
      return 'failed';
    }
  });
}

/**
 * Sends up to `limit` due messages over `parallel` lanes (rows are claimed with SKIP LOCKED, so lanes
 * and other workers never take the same one). Once marked sent a message is never sent again; a
 * failure is kept with its reason and retried with exponential backoff.
 */
export async function deliverQueued(db: Kysely<Database>, channels: Channels, limit = 50, parallel = 1): Promise<{ sent: number; failed: number }> {
  const totals = { sent: 0, failed: 0 };
  let claimed = 0;
  const lane = async () => {
    while (claimed < limit) {
      claimed++;
      const outcome = await deliverOne(db, channels);
      if (outcome === 'none') return;
      totals[outcome]++;
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return totals;
}
