import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { isPecAddress } from '../../plugins/mail.ts';
import { formatLongDate, romeDay } from '../matching/index.ts';
import { groupBy } from '../../shared/group-by.ts';
import { digestEmail, type DigestGroup } from './alerts.email.ts';
import type { AlertOptions } from './alerts.dispatch.ts';

const USERS_PER_BATCH = 200;
const FOLLOWED = 'Bandi che segui e ricerche salvate';

interface Period {
  cadence: 'daily' | 'weekly';
  key: string;
  start: Date;
  end: Date;
}

/** The last whole day and the last whole week (Monday to Sunday) before `now`, on the Rome calendar. */
async function lastPeriods(db: Kysely<Database>, now: Date): Promise<Period[]> {
  const { rows } = await sql<{ day_start: Date; day_end: Date; week_start: Date; week_end: Date }>`
    with local as (select ${now}::timestamptz at time zone 'Europe/Rome' as t)
    select (date_trunc('day', t) - interval '1 day') at time zone 'Europe/Rome' as day_start,
           date_trunc('day', t) at time zone 'Europe/Rome' as day_end,
           (date_trunc('week', t) - interval '1 week') at time zone 'Europe/Rome' as week_start,
           date_trunc('week', t) at time zone 'Europe/Rome' as week_end
      from local`.execute(db);
  const p = rows[0]!;
  return [
    { cadence: 'daily', key: `daily:${romeDay(p.day_start)}`, start: p.day_start, end: p.day_end },
    { cadence: 'weekly', key: `weekly:${romeDay(p.week_start)}`, start: p.week_start, end: p.week_end },
  ];
}

function periodLabel(period: Period): string {
  if (period.cadence === 'daily') return formatLongDate(period.start);
  const last = new Date(period.end.getTime() - 1);
  return `dal ${formatLongDate(period.start)} al ${formatLongDate(last)}`;
}

interface DigestRow {
  user_id: string;
  email: string;
  name: string;
  notification_id: number | null;
  comune: string | null;
  title: string;
  body: string;
  link: string;
  created_at: Date;
}

/**
 * Writes the digests due for the last whole period: one message per user in daily or weekly mode with
 * everything they were told since their previous digest (a missed run is caught up, nothing repeats),
 * grouped by comune (under each of their comuni a call matches); nothing when there is nothing new. The period is the idempotency key.
 */
export async function processDigests(db: Kysely<Database>, options: AlertOptions, now = new Date()): Promise<{ digests: number }> {
  let digests = 0;
  for (const period of await lastPeriods(db, now)) {
    for (;;) {
      const written = await db.transaction().execute(async (trx) => {
        const { rows } = await sql<DigestRow>`
          with due as (
            select u.id, u.email, u.name,
                   greatest(coalesce((select max(d.covered_until) from alert_digests d where d.user_id = u.id), ${period.start}), ${period.start}::timestamptz - interval '7 days') as since
              from users u left join alert_subscriptions s on s.user_id = u.id
             where u.status = 'active' and coalesce(s.email, 'weekly') = ${period.cadence}
               and not exists (select 1 from alert_digests d where d.user_id = u.id and d.period = ${period.key})
               and exists (select 1 from notifications n where n.user_id = u.id and n.created_at >= ${period.start}::timestamptz - interval '7 days' and n.created_at < ${period.end})
             order by u.id
             limit ${USERS_PER_BATCH}
             for update of u skip locked
          )
          select due.id as user_id, due.email, due.name, n.id as notification_id, c.name as comune,
                 coalesce(per_comune.title, n.title) as title, coalesce(per_comune.body, n.body) as body, coalesce(per_comune.link, n.link) as link, n.created_at
            from due
            left join notifications n on n.user_id = due.id and n.created_at >= due.since and n.created_at < ${period.end}
            -- A call matching several of the user's comuni is listed under each, with that comune's own text.
            left join lateral jsonb_to_recordset(coalesce(n.comuni, '[]'::jsonb)) as per_comune(istat text, title text, body text, link text) on true
            left join comuni c on c.istat = coalesce(per_comune.istat, n.comune_istat)
           order by due.id, c.name nulls last, n.created_at`.execute(trx);
        if (rows.length === 0) return 0;
        const byUser = groupBy(rows, (r) => r.user_id);
        const host = new URL(options.publicBaseUrl).hostname;
        for (const [userId, items] of byUser) {
          const user = items[0]!;
          const news = items.filter((i) => i.notification_id !== null);
          const count = new Set(news.map((i) => i.notification_id)).size;
          await trx.insertInto('alert_digests').values({ user_id: userId, period: period.key, covered_until: period.end, items: count }).execute();
          if (news.length === 0 || isPecAddress(user.email)) continue;
          const groups: DigestGroup[] = [...groupBy(news, (i) => i.comune ?? FOLLOWED)].map(([comune, list]) => ({
            comune,
            items: list.map((i) => ({ title: i.title, body: i.body, link: i.link })),
          }));
          const key = `digest:${userId}:${period.key}`;
          const message = digestEmail(
            {
              userId,
              to: user.email,
              name: user.name,
              cadence: period.cadence === 'daily' ? 'giornaliero' : 'settimanale',
              period: periodLabel(period),
              groups,
              count,
            },
            { ...options, messageId: `<${key.replace(/:/g, '.')}@${host}>` },
          );
          await trx
            .insertInto('alert_deliveries')
            .values({ idempotency_key: key, user_id: userId, channel: 'email', kind: 'digest', message: JSON.stringify(message) })
            .onConflict((oc) => oc.column('idempotency_key').doNothing())
            .execute();
          digests++;
        }
        return byUser.size;
      });
      if (written < USERS_PER_BATCH) break;
    }
  }
  return { digests };
}
