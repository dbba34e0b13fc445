import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { callsView, callWindowsView } from '../calls/index.ts';
import { formatLongDate as day } from '../matching/index.ts';
import { factsSentence } from './alerts.texts.ts';
import { DEFAULT_REMINDER_DAYS } from './alerts.audience.ts';
import { dispatchAlert, type AlertOptions } from './alerts.dispatch.ts';

/** A worker that was down longer than this does not send stale reminders for the whole gap. */
const MAX_CATCH_UP_MS = 86_400_000;

const lead = (sentence: string, facts: Parameters<typeof factsSentence>[0]) => [sentence, factsSentence(facts)].filter(Boolean).join(' ');
const inDays = (days: number) => (days === 1 ? 'domani' : `tra ${days} giorni`);

/**
 * Time-driven alerts since the last run: a reminder when a deadline comes within a user's notice
 * (14, 7 and 2 days by default) and a notice when the window of an "in arrivo" call opens. One runner
 * at a time (the cursor row is locked); each alert is keyed by the date it is about, so a moved
 * deadline reminds again and a rerun adds nothing.
 */
export async function processScheduledAlerts(db: Kysely<Database>, options: AlertOptions, now = new Date()) {
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('alert_cursors')
      .values({ name: 'schedule', until: new Date(now.getTime() - MAX_CATCH_UP_MS) })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const cursor = await trx.selectFrom('alert_cursors').select('until').where('name', '=', 'schedule').forUpdate().skipLocked().executeTakeFirst();
    const totals = { reminders: 0, openings: 0, notifications: 0, emails: 0, webhooks: 0 };
    if (!cursor) return totals;
    const from = new Date(Math.max(cursor.until.getTime(), now.getTime() - MAX_CATCH_UP_MS));
    if (from >= now) return totals;

    // Each notice in use, and the deadlines that came within it since the last run.
    const { rows: reminders } = await sql<{ call_id: string; closes_at: Date; days: number }>`
      with notice as (
        select distinct unnest(reminder_days)::int as days from alert_subscriptions
        union select unnest(${DEFAULT_REMINDER_DAYS}::int[])
      )
      select w.call_id, w.closes_at, notice.days
        from notice
        join ${callWindowsView} w on w.closes_at > ${from}::timestamptz + make_interval(days => notice.days)
                           and w.closes_at <= ${now}::timestamptz + make_interval(days => notice.days)
                           and w.closes_at > ${now}
        join ${callsView} k on k.id = w.call_id and k.editorial_status = 'published'
       order by w.closes_at, notice.days`.execute(trx);
    for (const r of reminders) {
      const sent = await dispatchAlert(trx, options, {
        callId: r.call_id,
        kind: 'reminder',
        eventKey: `reminder:${r.closes_at.toISOString()}:${r.days}`,
        reminderDays: r.days,
        text: {
          title: (f) => `Scade ${inDays(r.days)}: ${f.title}`,
          body: (f) => lead(`Le domande si presentano entro il ${day(r.closes_at)}.`, { ...f, next_deadline: null }),
        },
      });
      totals.reminders++;
      add(totals, sent);
    }

    // Windows that opened since the last run, of calls announced before they opened.
    const opened = await trx
      .selectFrom(callWindowsView.as('w'))
      .innerJoin(callsView.as('k'), 'k.id', 'w.call_id')
      .select(['w.call_id', 'w.opens_at', 'w.closes_at'])
      .where('k.editorial_status', '=', 'published')
      .where('w.opens_at', '>', from)
      .where('w.opens_at', '<=', now)
      .where((eb) => eb.or([eb('w.closes_at', 'is', null), eb('w.closes_at', '>', now)]))
      .whereRef('k.published_at', '<', 'w.opens_at')
      .orderBy('w.opens_at')
      .execute();
    for (const w of opened) {
      const until = w.closes_at ? `fino al ${day(w.closes_at)}` : 'fino a esaurimento delle risorse';
      const sent = await dispatchAlert(trx, options, {
        callId: w.call_id,
        kind: 'opened',
        eventKey: `opened:${w.opens_at.toISOString()}`,
        text: {
          title: (f) => `Aperto: ${f.title}`,
          body: (f) => lead(`Le domande si presentano dal ${day(w.opens_at)} ${until}.`, { ...f, next_deadline: null }),
        },
      });
      totals.openings++;
      add(totals, sent);
    }

    await trx.updateTable('alert_cursors').set({ until: now }).where('name', '=', 'schedule').execute();
    return totals;
  });
}

function add(totals: { notifications: number; emails: number; webhooks: number }, sent: { notifications: number; emails: number; webhooks: number }) {
  totals.notifications += sent.notifications;
  totals.emails += sent.emails;
  totals.webhooks += sent.webhooks;
}
