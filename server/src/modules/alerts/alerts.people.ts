import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { isPecAddress } from '../../plugins/mail.ts';
import type { AlertOptions } from './alerts.dispatch.ts';
import { personalNoticeEmail } from './alerts.email.ts';

/** A message for named people about their comune's work on a call: a mention, a step or milestone due. */
export interface PersonalNotice {
  callId: string;
  comuneIstat: string;
  /** Unique per recipient and fact: a rerun of the same reminder tells nobody twice. */
  eventKey: string;
  title: string;
  body: string;
  /** Path inside the SPA, e.g. `/candidature/<id>`. */
  path: string;
  userIds: readonly string[];
}

/**
 * Writes the in-app notification and the e-mail of a personal notice, honouring each person's choices
 * (in-app off: kept for the feeds only; e-mail off or a PEC address: no e-mail). Returns who was told now.
 */
export async function notifyPeople(trx: Kysely<Database>, options: AlertOptions, notice: PersonalNotice): Promise<string[]> {
  if (notice.userIds.length === 0) return [];
  const people = await trx
    .selectFrom('users as u')
    .leftJoin('alert_subscriptions as s', 's.user_id', 'u.id')
    .select(['u.id', 'u.email', 'u.name', 's.in_app', 's.email as email_mode'])
    .where('u.id', 'in', [...notice.userIds])
    .where('u.status', '=', 'active')
    .execute();
  if (people.length === 0) return [];
  const link = new URL(notice.path, options.publicBaseUrl).toString();
  const told = await trx
    .insertInto('notifications')
    .values(
      people.map((p) => ({
        user_id: p.id,
        call_id: notice.callId,
        comune_istat: notice.comuneIstat,
        event_key: notice.eventKey,
        kind: 'application' as const,
        shown: p.in_app ?? true,
        title: notice.title,
        body: notice.body,
        link,
      })),
    )
    .onConflict((oc) => oc.constraint('notifications_user_id_call_id_event_key_key').doNothing())
    .returning('user_id')
    .execute();
  const toldIds = new Set(told.map((t) => t.user_id));
  const host = new URL(options.publicBaseUrl).hostname;
  const letters = people
    .filter((p) => toldIds.has(p.id) && (p.email_mode ?? 'weekly') !== 'off' && !isPecAddress(p.email))
    .map((p) => {
      const key = `email:${p.id}:${notice.callId}:${notice.eventKey}`;
      const message = personalNoticeEmail(
        { userId: p.id, to: p.email, name: p.name, title: notice.title, body: notice.body, link },
        { ...options, messageId: `<${key.replace(/:/g, '.')}@${host}>` },
      );
      return { idempotency_key: key, user_id: p.id, call_id: notice.callId, channel: 'email' as const, kind: 'application', message: JSON.stringify(message) };
    });
  if (letters.length > 0)
    await trx
      .insertInto('alert_deliveries')
      .values(letters)
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
  return [...toldIds];
}
