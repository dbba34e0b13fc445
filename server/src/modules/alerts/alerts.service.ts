import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { callVersionChanges, claimCallEvents, markCallEventsHandled, type CallEvent } from '../calls/index.ts';
import { changeSentences, comuniLabel, factsSentence } from './alerts.texts.ts';
import { dispatchAlert, type AlertEvent, type AlertOptions } from './alerts.dispatch.ts';

export type { AlertOptions } from './alerts.dispatch.ts';

const BATCH = 50;

const withFacts = (lead: string, facts: Parameters<typeof factsSentence>[0]) => [lead, factsSentence(facts)].filter(Boolean).join(' ');

/** The alert a call event becomes, or null when it says nothing a user would notice. */
async function alertOf(db: Kysely<Database>, event: CallEvent): Promise<AlertEvent | null> {
  const payload = event.payload as { version?: number; reason?: string | null };
  const version = payload.version ?? 0;
  if (event.kind === 'call.published') {
    return {
      callId: event.call_id,
      kind: 'published',
      eventKey: 'published',
      text: { title: (f) => (comuniLabel(f) ? `Nuovo bando per ${comuniLabel(f)}: ${f.title}` : `Nuovo bando: ${f.title}`), body: (f) => factsSentence(f) },
    };
  }
  if (event.kind === 'call.withdrawn') {
    const reason = payload.reason ? `: ${payload.reason}` : '.';
    return {
      callId: event.call_id,
      kind: 'withdrawn',
      eventKey: `withdrawn:v${version}`,
      text: { title: (f) => `Bando ritirato: ${f.title}`, body: () => `Il bando è stato ritirato dalla redazione${reason}` },
    };
  }
  const changes = await callVersionChanges(db, event.call_id, version);
  const sentences = changeSentences((changes ?? {}) as Parameters<typeof changeSentences>[0]);
  if (sentences.length === 0) return null;
  return {
    callId: event.call_id,
    kind: 'changed',
    eventKey: `changed:v${version}`,
    text: { title: (f) => `Bando modificato: ${f.title}`, body: (f) => withFacts(sentences.join(' '), f) },
  };
}

/**
 * Tells users and webhooks of the calls published, changed or withdrawn since the last run, once
 * matching has stored the call's matches: in one transaction per batch the events are claimed, the
 * notifications and the messages to send written (their keys per recipient, call and event make a
 * retry or a concurrent run add nothing) and the events marked, or none of it. Messages are sent
 * afterwards by `deliverQueued`.
 */
export async function processAlertEvents(
  db: Kysely<Database>,
  options: AlertOptions,
): Promise<{ events: number; notifications: number; emails: number; webhooks: number }> {
  return db.transaction().execute(async (trx) => {
    const events = await claimCallEvents(trx, 'alerts', BATCH);
    const totals = { events: events.length, notifications: 0, emails: 0, webhooks: 0 };
    for (const event of events) {
      const alert = await alertOf(trx, event);
      if (!alert) continue;
      const sent = await dispatchAlert(trx, options, alert);
      totals.notifications += sent.notifications;
      totals.emails += sent.emails;
      totals.webhooks += sent.webhooks;
    }
    await markCallEventsHandled(
      trx,
      'alerts',
      events.map((e) => e.id),
    );
    return totals;
  });
}
