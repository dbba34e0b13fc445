import type { Kysely } from 'kysely';
import type { AlertKind, Database } from '../../plugins/db/schema.ts';
import { isPecAddress } from '../../plugins/mail.ts';
import { alertEmail } from './alerts.email.ts';
import { userAudience, webhookAudience, type CallFacts, type MatchedComune, type UserRecipient } from './alerts.audience.ts';

export interface AlertOptions {
  publicBaseUrl: string;
  /** Signs the one-click unsubscribe links. */
  secret: string;
}

/** What an event says to one recipient, from the facts of their best comune. */
export interface AlertText {
  title(facts: CallFacts): string;
  body(facts: CallFacts): string;
}

export interface AlertEvent {
  callId: string;
  kind: AlertKind;
  /** Unique per call and event: with the recipient it is the idempotency key of everything sent. */
  eventKey: string;
  text: AlertText;
  /** Reminders: only users (and webhooks) that asked for this many days' notice. */
  reminderDays?: number;
}

/** Rows per INSERT: PostgreSQL takes at most 65,535 bound values in one statement. */
const ROWS_PER_INSERT = 1000;
export const chunks = <T>(rows: T[]) =>
  Array.from({ length: Math.ceil(rows.length / ROWS_PER_INSERT) }, (_, i) => rows.slice(i * ROWS_PER_INSERT, (i + 1) * ROWS_PER_INSERT));

export const WEBHOOK_EVENTS: Record<AlertKind, string> = {
  published: 'call.matched',
  changed: 'call.changed',
  withdrawn: 'call.withdrawn',
  reminder: 'call.deadline_approaching',
  opened: 'call.window_opened',
  search: 'call.matched',
  application: 'application.notice',
};

export const callLink = (options: { publicBaseUrl: string }, callId: string, istat: string | null) =>
  new URL(`/bandi/${callId}${istat ? `?comune=${istat}` : ''}`, options.publicBaseUrl).toString();

/** The facts of one of the recipient's comuni, as if the call matched that comune alone. */
const factsFor = (facts: CallFacts, m: MatchedComune): CallFacts => ({
  ...facts,
  comune_istat: m.istat,
  comune: m.name,
  verdict: m.verdict,
  score: m.score,
  amount_min: m.amountMin,
  amount_max: m.amountMax,
  matches: [m],
});

/** What the event says for each comune, when the call matches several of the recipient's; empty for one. */
function perComune(options: AlertOptions, event: AlertEvent, recipient: UserRecipient) {
  if ((recipient.matches?.length ?? 0) < 2) return [];
  return recipient.matches!.map((m) => {
    const facts = factsFor(recipient, m);
    return { istat: m.istat, name: m.name, title: event.text.title(facts), body: event.text.body(facts), link: callLink(options, event.callId, m.istat) };
  });
}

/**
 * Writes the notification log rows and immediate e-mails of one event for these users: one of each
 * per user, naming every one of their comuni the call matches (the digests list it under each).
 */
export async function notifyUsers(
  trx: Kysely<Database>,
  options: AlertOptions,
  event: AlertEvent,
  recipients: UserRecipient[],
): Promise<{ notifications: number; emails: number }> {
  const alerts = recipients.map((r) => ({
    recipient: r,
    title: event.text.title(r),
    body: event.text.body(r),
    link: callLink(options, event.callId, r.comune_istat),
    comuni: perComune(options, event, r),
  }));
  let notifications = 0;
  let emails = 0;
  const rows = alerts.map((a) => ({
    user_id: a.recipient.user_id,
    call_id: event.callId,
    comune_istat: a.recipient.comune_istat,
    event_key: event.eventKey,
    kind: event.kind,
    shown: a.recipient.in_app,
    title: a.title,
    body: a.body,
    link: a.link,
    comuni: JSON.stringify(a.comuni.map(({ istat, title, body, link }) => ({ istat, title, body, link }))),
  }));
  const told = new Set<string>();
  for (const chunk of chunks(rows)) {
    const inserted = await trx
      .insertInto('notifications')
      .values(chunk)
      .onConflict((oc) => oc.constraint('notifications_user_id_call_id_event_key_key').doNothing())
      .returning(['user_id', 'shown'])
      .execute();
    for (const row of inserted) told.add(row.user_id);
    notifications += inserted.filter((row) => row.shown).length;
  }
  // Only users told now get the e-mail: a rerun of the same event finds them told already.
  const byEmail = alerts.filter((a) => told.has(a.recipient.user_id) && a.recipient.email_mode === 'immediate' && !isPecAddress(a.recipient.email));
  const host = new URL(options.publicBaseUrl).hostname;
  const deliveries = byEmail.map((a) => {
    const key = `email:${a.recipient.user_id}:${event.callId}:${event.eventKey}`;
    const message = alertEmail(
      { userId: a.recipient.user_id, to: a.recipient.email, name: a.recipient.name, title: a.title, body: a.body, link: a.link, comuni: a.comuni },
      { ...options, messageId: `<${key.replace(/:/g, '.')}@${host}>` },
    );
    return {
      idempotency_key: key,
      user_id: a.recipient.user_id,
      call_id: event.callId,
      channel: 'email' as const,
      kind: event.kind,
      message: JSON.stringify(message),
    };
  });
  for (const chunk of chunks(deliveries)) {
    const inserted = await trx
      .insertInto('alert_deliveries')
      .values(chunk)
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .execute();
    emails += inserted.length;
  }
  return { notifications, emails };
}

/** The JSON body a webhook receives (signed when sent). */
export function webhookBody(deliveryId: string, event: string, payload: Record<string, unknown>) {
  return JSON.stringify({ id: deliveryId, event, createdAt: new Date().toISOString(), ...payload });
}

/** Queues the webhook deliveries of one event. */
export async function notifyWebhooks(trx: Kysely<Database>, options: AlertOptions, event: AlertEvent): Promise<number> {
  const hooks = await webhookAudience(trx, event.callId, event.kind, event.reminderDays);
  const rows = hooks.map((h) => {
    const key = `webhook:${h.webhook_id}:${event.callId}:${event.eventKey}`;
    const body = webhookBody(key, WEBHOOK_EVENTS[event.kind], {
      comune: h.comune_istat ? { istat: h.comune_istat, name: h.comune } : null,
      call: {
        id: event.callId,
        title: h.title,
        url: callLink(options, event.callId, h.comune_istat),
        nextDeadline: h.next_deadline?.toISOString() ?? null,
        verdict: h.verdict,
        score: h.score,
        amountMin: h.amount_min,
        amountMax: h.amount_max,
      },
      message: { title: event.text.title(h), body: event.text.body(h) },
    });
    return {
      idempotency_key: key,
      call_id: event.callId,
      webhook_id: h.webhook_id,
      channel: 'webhook' as const,
      kind: event.kind,
      message: JSON.stringify({ to: h.url, subject: WEBHOOK_EVENTS[event.kind], body }),
    };
  });
  let queued = 0;
  for (const chunk of chunks(rows)) {
    const inserted = await trx
      .insertInto('alert_deliveries')
      .values(chunk)
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .execute();
    queued += inserted.length;
  }
  return queued;
}

/** Everything one event causes, in the caller's transaction: notifications, immediate e-mails, webhooks. */
export async function dispatchAlert(trx: Kysely<Database>, options: AlertOptions, event: AlertEvent) {
  const users = await userAudience(trx, event.callId, event.kind, event.reminderDays);
  const { notifications, emails } = await notifyUsers(trx, options, event, users);
  const webhooks = await notifyWebhooks(trx, options, event);
  return { notifications, emails, webhooks };
}
