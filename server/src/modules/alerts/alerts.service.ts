import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { formatLongDate, formatNumber } from '../matching/profile-facts.ts';
import { isPecAddress } from '../../plugins/mail.ts';
import { newCallEmail } from './alert-email.ts';

const BATCH = 50;
/** Rows per INSERT: PostgreSQL takes at most 65,535 bound values in one statement. */
const ROWS_PER_INSERT = 1000;
const chunks = <T>(rows: T[]) => Array.from({ length: Math.ceil(rows.length / ROWS_PER_INSERT) }, (_, i) => rows.slice(i * ROWS_PER_INSERT, (i + 1) * ROWS_PER_INSERT));

interface Recipient {
  user_id: string;
  email: string;
  name: string;
  in_app: boolean;
  email_mode: string;
  comune_istat: string;
  comune: string;
  verdict: string;
  score: number;
  amount_min: number | null;
  amount_max: number | null;
  title: string;
  next_deadline: Date | null;
}

/**
 * Who hears of a newly matched call: every active user with in-app or immediate e-mail alerts whose comuni (chosen, or
 * by default those they serve today) the call matches, within their filters; one notification per
 * user, for their best-scoring comune.
 */
async function recipients(db: Kysely<Database>, callId: string): Promise<Recipient[]> {
  // Set-based from the call's matches outwards: no per-user subquery, whatever the table statistics.
  const { rows } = await sql<Recipient>`
    with matched as (
      select comune_istat, verdict, score, amount_min, amount_max from matches where call_id = ${callId}
    ), served as (
      select mb.user_id, mb.comune_istat as istat from memberships mb join matched on matched.comune_istat = mb.comune_istat
      union
      select mb.user_id, am.comune_istat from memberships mb
        join aggregation_members am on am.aggregation_id = mb.aggregation_id
        join matched on matched.comune_istat = am.comune_istat
       where am.joined_on <= current_date and (am.left_on is null or am.left_on > current_date)
    ), followed as (
      select served.user_id, served.istat from served left join alert_subscriptions s on s.user_id = served.user_id where s.comuni is null
      union
      select s.user_id, chosen.istat from alert_subscriptions s cross join unnest(s.comuni) as chosen(istat) where s.comuni is not null
    ), deadline as (
      select min(closes_at) as next_deadline from call_windows where call_id = ${callId} and closes_at > now()
    )
    select distinct on (u.id) u.id as user_id, u.email, u.name, coalesce(s.in_app, true) as in_app, coalesce(s.email, 'weekly') as email_mode,
           m.comune_istat, c.name as comune, m.verdict, m.score, m.amount_min, m.amount_max, k.title, deadline.next_deadline
      from followed f
      join users u on u.id = f.user_id
      left join alert_subscriptions s on s.user_id = u.id
      join matched m on m.comune_istat = f.istat
      join comuni c on c.istat = m.comune_istat
      join calls k on k.id = ${callId}
      cross join deadline
     where u.status = 'active'
       and (coalesce(s.in_app, true) or s.email = 'immediate')
       and m.score >= coalesce(s.min_score, 0)
       and (not coalesce(s.eligible_only, false) or m.verdict = 'eligible')
       and (coalesce(cardinality(s.programmes), 0) = 0 or k.programme_kind = any(s.programmes))
       and (coalesce(cardinality(s.themes), 0) = 0 or exists (
             select 1 from call_themes t, unnest(s.themes) wanted where t.call_id = k.id and (t.theme_code = wanted or t.theme_code like wanted || '.%')))
     order by u.id, m.score desc, m.comune_istat`.execute(db);
  return rows;
}

function describe(r: Recipient): string {
  const parts = [r.verdict === 'eligible_via_aggregation' ? 'Solo in forma associata' : 'Il comune può partecipare', `punteggio ${r.score}/100`];
  if (r.amount_max !== null) parts.push(r.amount_min === r.amount_max ? `importo stimato ${formatNumber(r.amount_max)} €` : `importo stimato da ${formatNumber(r.amount_min ?? 0)} a ${formatNumber(r.amount_max)} €`);
  if (r.next_deadline) parts.push(`scadenza ${formatLongDate(r.next_deadline)}`);
  return `${parts.join(', ')}.`;
}

export interface AlertOptions {
  publicBaseUrl: string;
  /** Signs the one-click unsubscribe links. */
  secret: string;
}

/**
 * Tells subscribers of the calls published and matched since the last run, in one transaction per
 * batch: the events are claimed, the notifications and the e-mails to send written (their keys per
 * user, call and event make a retry or a concurrent run add nothing) and the events marked, or none
 * of it. E-mails are sent afterwards by `deliverQueued`, never to certified mail (PEC).
 */
export async function processAlertEvents(db: Kysely<Database>, options: AlertOptions): Promise<{ events: number; notifications: number; emails: number }> {
  return db.transaction().execute(async (trx) => {
    const events = await trx
      .selectFrom('call_events')
      .select(['id', 'call_id'])
      .where('kind', '=', 'call.published')
      .where('processed_at', 'is not', null)
      .where('alerted_at', 'is', null)
      .orderBy('id')
      .limit(BATCH)
      .forUpdate()
      .skipLocked()
      .execute();
    let notifications = 0;
    let emails = 0;
    for (const callId of new Set(events.map((e) => e.call_id))) {
      const alerts = (await recipients(trx, callId)).map((r) => ({
        recipient: r,
        title: `Nuovo bando per ${r.comune}: ${r.title}`,
        body: describe(r),
        link: new URL(`/bandi/${callId}?comune=${r.comune_istat}`, options.publicBaseUrl).toString(),
      }));
      const inApp = alerts.filter((a) => a.recipient.in_app);
      if (inApp.length > 0) {
        const rows = inApp.map((a) => ({ user_id: a.recipient.user_id, call_id: callId, comune_istat: a.recipient.comune_istat, event_key: 'published', title: a.title, body: a.body, link: a.link }));
        for (const chunk of chunks(rows)) {
          const inserted = await trx.insertInto('notifications').values(chunk).onConflict((oc) => oc.constraint('notifications_user_id_call_id_event_key_key').doNothing()).returning('id').execute();
          notifications += inserted.length;
        }
      }
      const byEmail = alerts.filter((a) => a.recipient.email_mode === 'immediate' && !isPecAddress(a.recipient.email));
      if (byEmail.length > 0) {
        const host = new URL(options.publicBaseUrl).hostname;
        const rows = byEmail.map((a) => {
          const key = `email:${a.recipient.user_id}:${callId}:published`;
          const message = newCallEmail({ userId: a.recipient.user_id, to: a.recipient.email, name: a.recipient.name, title: a.title, body: a.body, link: a.link }, { ...options, messageId: `<${key.replace(/:/g, '.')}@${host}>` });
          return { idempotency_key: key, user_id: a.recipient.user_id, call_id: callId, channel: 'email' as const, message: JSON.stringify(message) };
        });
        for (const chunk of chunks(rows)) {
          const inserted = await trx.insertInto('alert_deliveries').values(chunk).onConflict((oc) => oc.column('idempotency_key').doNothing()).returning('id').execute();
          emails += inserted.length;
        }
      }
    }
    if (events.length > 0) await trx.updateTable('call_events').set({ alerted_at: sql<Date>`now()` }).where('id', 'in', events.map((e) => e.id)).execute();
    return { events: events.length, notifications, emails };
  });
}
