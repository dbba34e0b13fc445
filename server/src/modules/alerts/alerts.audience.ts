import { sql, type Kysely } from 'kysely';
import type { AlertKind, Database } from '../../plugins/db/schema.ts';
import { callsView, callThemesView, callWindowsView } from '../calls/index.ts';

/** One of the recipient's comuni the call matches, with what it would get. */
export interface MatchedComune {
  istat: string;
  name: string;
  verdict: string;
  score: number;
  amountMin: number | null;
  amountMax: number | null;
}

/**
 * What every alert says about the call for one recipient: their best-scoring comune, if the call
 * matches one, and every one of their comuni it matches (best first; users only).
 */
export interface CallFacts {
  matches?: MatchedComune[];
  comune_istat: string | null;
  comune: string | null;
  verdict: string | null;
  score: number | null;
  amount_min: number | null;
  amount_max: number | null;
  title: string;
  next_deadline: Date | null;
}

export interface UserRecipient extends CallFacts {
  user_id: string;
  email: string;
  name: string;
  in_app: boolean;
  email_mode: string;
}

export interface WebhookRecipient extends CallFacts {
  webhook_id: string;
  url: string;
}

export const DEFAULT_REMINDER_DAYS = [14, 7, 2];

/**
 * Who hears of an event on a call: every active user whose followed comuni (chosen, or by default
 * those they serve today) the call matches within their filters, everyone who follows the call, and,
 * for later news (changes, withdrawal, reminders), everyone already told about it; never those who
 * muted it or turned every channel off. One row per user, for their best-scoring comune, with every
 * comune of theirs the call matches within their filters in `matches`. Reminders go
 * only to users who asked for that many days' notice.
 */
export async function userAudience(db: Kysely<Database>, callId: string, kind: AlertKind, reminderDays?: number): Promise<UserRecipient[]> {
  const later = kind !== 'published';
  // Set-based from the call's matches outwards: no per-user subquery, whatever the table statistics.
  const { rows } = await sql<UserRecipient>`
    with matched as (
      select comune_istat, verdict, score, amount_min, amount_max from matches where call_id = ${callId}
    ), served as (
      select s.user_id, s.comune_istat as istat from served_comuni s join matched on matched.comune_istat = s.comune_istat
    ), followed as (
      select served.user_id, served.istat from served left join alert_subscriptions s on s.user_id = served.user_id where s.comuni is null
      union
      select s.user_id, chosen.istat from alert_subscriptions s cross join unnest(s.comuni) as chosen(istat) where s.comuni is not null
    ), candidates as (
      select f.user_id, m.comune_istat, m.verdict, m.score, m.amount_min, m.amount_max, false as forced
        from followed f join matched m on m.comune_istat = f.istat
      union all
      select user_id, null, null, null, null, null, true from call_follows where call_id = ${callId} and mode = 'follow'
      union all
      select distinct user_id, null::char(6), null, null::smallint, null::numeric, null::numeric, true from notifications where ${later} and call_id = ${callId}
    ), deadline as (
      select min(closes_at) as next_deadline from ${callWindowsView} w where call_id = ${callId} and closes_at > now()
    ), kept as (
      select u.id as user_id, u.email, u.name, coalesce(s.in_app, true) as in_app, coalesce(s.email, 'weekly') as email_mode,
           c.comune_istat, co.name as comune, c.verdict, c.score, c.amount_min, c.amount_max, k.title, deadline.next_deadline
      from candidates c
      join users u on u.id = c.user_id
      left join alert_subscriptions s on s.user_id = u.id
      left join comuni co on co.istat = c.comune_istat
      join ${callsView} k on k.id = ${callId}
      cross join deadline
     where u.status = 'active'
       and (coalesce(s.in_app, true) or coalesce(s.email, 'weekly') <> 'off')
       and not exists (select 1 from call_follows cf where cf.user_id = u.id and cf.call_id = ${callId} and cf.mode = 'mute')
       and (${reminderDays ?? null}::int is null or ${reminderDays ?? null}::int = any(coalesce(s.reminder_days, ${DEFAULT_REMINDER_DAYS}::smallint[])))
       and (c.forced or (
             c.score >= coalesce(s.min_score, 0)
         and (not coalesce(s.eligible_only, false) or c.verdict = 'eligible')
         and (coalesce(cardinality(s.programmes), 0) = 0 or k.programme_kind = any(s.programmes))
         and (coalesce(cardinality(s.themes), 0) = 0 or exists (
               select 1 from ${callThemesView} t, unnest(s.themes) wanted where t.call_id = k.id and (t.theme_code = wanted or t.theme_code like wanted || '.%')))))
    ), listed as (
      select user_id, json_agg(json_build_object('istat', comune_istat, 'name', comune, 'verdict', verdict, 'score', score, 'amountMin', amount_min, 'amountMax', amount_max)
                               order by score desc, comune_istat) as matches
        from kept where comune_istat is not null group by user_id
    )
    select distinct on (best.user_id) best.*, coalesce(listed.matches, '[]'::json) as matches
      from kept best left join listed on listed.user_id = best.user_id
     order by best.user_id, best.score desc nulls last, best.comune_istat`.execute(db);
  return rows;
}

/**
 * The webhooks an event on a call goes to: those of the comuni it matches and of the aggregations
 * with a current member it matches; for later news also those that were told about it before.
 * Webhooks receive reminders at the default notice (14, 7 and 2 days).
 */
export async function webhookAudience(db: Kysely<Database>, callId: string, kind: AlertKind, reminderDays?: number): Promise<WebhookRecipient[]> {
  if (reminderDays !== undefined && !DEFAULT_REMINDER_DAYS.includes(reminderDays)) return [];
  const later = kind !== 'published';
  const { rows } = await sql<WebhookRecipient>`
    with matched as (
      select comune_istat, verdict, score, amount_min, amount_max from matches where call_id = ${callId}
    ), candidates as (
      select w.id as webhook_id, m.* from webhooks w join matched m on m.comune_istat = w.comune_istat
      union all
      select w.id, m.* from webhooks w
        join current_aggregation_members am on am.aggregation_id = w.aggregation_id
        join matched m on m.comune_istat = am.comune_istat
      union all
      select distinct webhook_id, null::char(6), null, null::smallint, null::numeric, null::numeric
        from alert_deliveries where ${later} and call_id = ${callId} and webhook_id is not null
    ), deadline as (
      select min(closes_at) as next_deadline from ${callWindowsView} w where call_id = ${callId} and closes_at > now()
    )
    select distinct on (w.id) w.id as webhook_id, w.url, c.comune_istat, co.name as comune, c.verdict, c.score, c.amount_min, c.amount_max, k.title, deadline.next_deadline
      from candidates c
      join webhooks w on w.id = c.webhook_id
      left join comuni co on co.istat = coalesce(c.comune_istat, w.comune_istat)
      join ${callsView} k on k.id = ${callId}
      cross join deadline
     where w.active
     order by w.id, c.score desc nulls last, c.comune_istat`.execute(db);
  return rows;
}
