import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import type { Mailer, MailMessage } from '../../plugins/mail.ts';

/** After this many failed attempts a message is given up ("dead") and shown to admins with the reason. */
export const MAX_ATTEMPTS = 8;
const MAX_BACKOFF_SECONDS = 3600;

/**
 * Sends the queued messages that are due. Each is locked while it is sent and marked sent in the
 * same transaction, so a retry or another worker never sends it again once it is marked; a failure
 * is kept with its reason and retried with exponential backoff.
 */
export async function deliverQueued(db: Kysely<Database>, mailer: Mailer, limit = 50): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (let i = 0; i < limit; i++) {
    const outcome = await db.transaction().execute(async (trx) => {
      const delivery = await trx
        .selectFrom('alert_deliveries')
        .select(['id', 'message', 'attempts'])
        .where('status', '=', 'queued')
        .where('next_attempt_at', '<=', sql<Date>`now()`)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!delivery) return 'none' as const;
      try {
        await mailer.send(delivery.message as MailMessage);
        await trx.updateTable('alert_deliveries').set({ status: 'sent', sent_at: sql<Date>`now()`, attempts: delivery.attempts + 1, last_error: null }).where('id', '=', delivery.id).execute();
        return 'sent' as const;
      } catch (error) {
        const attempts = delivery.attempts + 1;
        await trx
          .updateTable('alert_deliveries')
          .set({
            attempts,
            status: attempts >= MAX_ATTEMPTS ? 'dead' : 'queued',
            last_error: (error instanceof Error ? error.message : String(error)).slice(0, 500),
            next_attempt_at: sql<Date>`now() + make_interval(secs => ${Math.min(2 ** attempts, MAX_BACKOFF_SECONDS)})`,
          })
          .where('id', '=', delivery.id)
          .execute();
        return 'failed' as const;
      }
    });
    if (outcome === 'none') break;
    if (outcome === 'sent') sent++;
    else failed++;
  }
  return { sent, failed };
}
