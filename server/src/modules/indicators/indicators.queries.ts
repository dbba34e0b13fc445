import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { callsView } from '../calls/index.ts';

/** A period of days in Rome, both ends included. */
export interface Period {
  from: string;
  to: string;
}

const DAY = 24 * 60 * 60 * 1000;

/** Users, their administrations and the comuni that used the Cruscotto lately, as of `now`. */
export async function peopleFigures(db: Kysely<Database>, now: Date) {
  const active = (days: number) =>
    db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .leftJoin('aggregation_members as am', 'am.aggregation_id', 'm.aggregation_id')
      .select(sql<number>`count(distinct coalesce(m.comune_istat, am.comune_istat))`.as('n'))
      .where('u.status', '=', 'active')
      .where('u.last_seen_at', '>=', new Date(now.getTime() - days * DAY))
      .executeTakeFirstOrThrow();
  const [users, administrations, active30, active90] = await Promise.all([
    db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(sql<number>`count(distinct coalesce(m.comune_istat, 'A' || m.aggregation_id::text))`.as('n'))
      .where('u.status', '=', 'active')
      .executeTakeFirstOrThrow(),
    active(30),
    active(90),
  ]);
  return { registeredUsers: users.n, administrations: administrations.n, activeComuni30: active30.n, activeComuni90: active90.n };
}

/** The calls published, how many comuni they reach, and the alert e-mails sent in the period. */
export async function catalogueFigures(db: Kysely<Database>, period: Period) {
  const inPeriod = sql<boolean>`(published_at at time zone 'Europe/Rome')::date between ${period.from}::date and ${period.to}::date`;
  const [published, reach, emails] = await Promise.all([
    db
      .selectFrom(callsView.as('c'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('c.editorial_status', '=', 'published')
      .where(inPeriod)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('matches as m')
      .innerJoin(callsView.as('c'), 'c.id', 'm.call_id')
      .select(sql<number>`count(distinct m.comune_istat)`.as('n'))
      .where('c.editorial_status', '=', 'published')
      .where(sql<boolean>`(c.published_at at time zone 'Europe/Rome')::date between ${period.from}::date and ${period.to}::date`)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('alert_deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('channel', '=', 'email')
      .where('status', '=', 'sent')
      .where(sql<boolean>`(sent_at at time zone 'Europe/Rome')::date between ${period.from}::date and ${period.to}::date`)
      .executeTakeFirstOrThrow(),
  ]);
  return { callsPublished: published.n, comuniReached: reach.n, alertEmailsSent: emails.n };
}

/** What the Cruscotto counted itself in the period: views, clicks, empty searches, answers. */
export async function usageFigures(db: Kysely<Database>, period: Period) {
  const [counts, answers] = await Promise.all([
    db
      .selectFrom('usage_counts')
      .select(['kind', sql<number>`sum(count)::int`.as('n')])
      .where('day', '>=', period.from)
      .where('day', '<=', period.to)
      .groupBy('kind')
      .execute(),
    db
      .selectFrom('feedback_answers')
      .select([sql<number>`count(*) filter (where useful)::int`.as('yes'), sql<number>`count(*) filter (where not useful)::int`.as('no')])
      .where('day', '>=', period.from)
      .where('day', '<=', period.to)
      .executeTakeFirstOrThrow(),
  ]);
  const of = (kind: string) => counts.find((c) => c.kind === kind)?.n ?? 0;
  return {
    callPageViews: of('call_view'),
    alertLinkClicks: of('alert_click'),
    emptySearches: of('search_empty'),
    usefulYes: answers.yes,
    usefulNo: answers.no,
  };
}

/** Month by month in the period: views, clicks, empty searches and answers. */
export async function monthlyUsage(db: Kysely<Database>, period: Period) {
  const rows = await db
    .selectFrom('usage_counts')
    .select([sql<string>`to_char(day, 'YYYY-MM')`.as('month'), 'kind', sql<number>`sum(count)::int`.as('n')])
    .where('day', '>=', period.from)
    .where('day', '<=', period.to)
    .groupBy([sql`to_char(day, 'YYYY-MM')`, 'kind'])
    .orderBy('month')
    .execute();
  const months = [...new Set(rows.map((r) => r.month))];
  const of = (month: string, kind: string) => rows.find((r) => r.month === month && r.kind === kind)?.n ?? 0;
  return months.map((month) => ({
    month,
    callPageViews: of(month, 'call_view'),
    alertLinkClicks: of(month, 'alert_click'),
    emptySearches: of(month, 'search_empty'),
  }));
}

/** The searches that found nothing most often: what editors should add as synonyms. */
export function topEmptySearches(db: Kysely<Database>, period: Period, limit = 10) {
  return db
    .selectFrom('usage_counts')
    .select(['subject as query', sql<number>`sum(count)::int`.as('count')])
    .where('kind', '=', 'search_empty')
    .where('subject', '<>', '')
    .where('day', '>=', period.from)
    .where('day', '<=', period.to)
    .groupBy('subject')
    .orderBy('count', 'desc')
    .orderBy('subject')
    .limit(limit)
    .execute();
}

/** The latest comments left with a "Ti è stato utile?" answer, with their call. */
export function latestComments(db: Kysely<Database>, period: Period, limit = 10) {
  return db
    .selectFrom('feedback_answers as f')
    .innerJoin(callsView.as('c'), 'c.id', 'f.call_id')
    .select(['f.day', 'f.useful', 'f.comment', 'c.id as callId', 'c.title as callTitle'])
    .where('f.comment', 'is not', null)
    .where('f.day', '>=', period.from)
    .where('f.day', '<=', period.to)
    .orderBy('f.id', 'desc')
    .limit(limit)
    .execute();
}

export const targets = (db: Kysely<Database>) => db.selectFrom('indicator_targets').select(['key', 'target']).execute();

export async function setTarget(db: Kysely<Database>, key: string, target: number): Promise<void> {
  await db
    .insertInto('indicator_targets')
    .values({ key, target })
    .onConflict((c) => c.column('key').doUpdateSet({ target, updated_at: sql`now()` }))
    .execute();
}
