import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { callsView, callWindowsView } from '../calls/index.ts';
import { DEFAULT_REMINDER_DAYS, type CallFacts } from './alerts.audience.ts';

export type FeedOwner = { comune: string } | { user: string };

const ownerColumn = (owner: FeedOwner) => ('comune' in owner ? (['comune_istat', owner.comune] as const) : (['user_id', owner.user] as const));

/** The owner's feed token, created on first use. */
export async function feedToken(db: Kysely<Database>, owner: FeedOwner): Promise<string> {
  const [column, value] = ownerColumn(owner);
  await db
    .insertInto('feed_tokens')
    .values({ token: randomBytes(24).toString('base64url'), [column]: value })
    .onConflict((oc) => oc.column(column).doNothing())
    .execute();
  const row = await db.selectFrom('feed_tokens').select('token').where(column, '=', value).executeTakeFirstOrThrow();
  return row.token;
}

/** A new token: the old URLs stop working at once (a link shared by mistake). */
export async function rotateFeedToken(db: Kysely<Database>, owner: FeedOwner): Promise<string> {
  const [column, value] = ownerColumn(owner);
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('feed_tokens').where(column, '=', value).execute();
    return feedToken(trx, owner);
  });
}

export async function ownerOfToken(db: Kysely<Database>, token: string): Promise<{ owner: FeedOwner; title: string; reminderDays: number[] } | null> {
  const row = await db
    .selectFrom('feed_tokens as t')
    .leftJoin('comuni as c', 'c.istat', 't.comune_istat')
    .leftJoin('users as u', 'u.id', 't.user_id')
    .leftJoin('alert_subscriptions as s', 's.user_id', 't.user_id')
    .select(['t.comune_istat', 't.user_id', 'c.name as comune', 'u.name as user', 'u.status', 's.reminder_days'])
    .where('t.token', '=', token)
    .executeTakeFirst();
  if (!row) return null;
  if (row.comune_istat) return { owner: { comune: row.comune_istat }, title: row.comune!, reminderDays: DEFAULT_REMINDER_DAYS };
  if (row.status !== 'active') return null;
  return { owner: { user: row.user_id! }, title: row.user!, reminderDays: row.reminder_days ?? DEFAULT_REMINDER_DAYS };
}

export interface FeedCall extends CallFacts {
  call_id: string;
  summary: string | null;
  issuer: string;
  version: number;
  published_at: Date;
  updated_at: Date;
  windows: { opens_at: string; closes_at: string | null }[];
}

const FEED_SIZE = 200;

/**
 * The published calls of a feed, newest first: a comune's matches; for a user, the matches of the comuni
 * they follow (chosen, or those they serve today) and the calls they follow, without those they muted.
 */
export async function feedCalls(db: Kysely<Database>, owner: FeedOwner): Promise<FeedCall[]> {
  const candidates =
    'comune' in owner
      ? sql`select call_id, comune_istat, verdict, score, amount_min, amount_max from matches where comune_istat = ${owner.comune}`
      : sql`
        with mine as (select comuni from alert_subscriptions where user_id = ${owner.user}),
        served as (select comune_istat as istat from served_comuni where user_id = ${owner.user}),
        followed as (
          select istat from served where not exists (select 1 from mine where comuni is not null)
          union
          select unnest(comuni) from mine where comuni is not null
        )
        select m.call_id, m.comune_istat, m.verdict, m.score, m.amount_min, m.amount_max from matches m join followed f on f.istat = m.comune_istat
        union all
        select call_id, null, null, null, null, null from call_follows where user_id = ${owner.user} and mode = 'follow'`;
  const muted =
    'user' in owner ? sql`and not exists (select 1 from call_follows cf where cf.user_id = ${owner.user} and cf.call_id = k.id and cf.mode = 'mute')` : sql``;
  const { rows } = await sql<FeedCall>`
    with candidates as (${candidates}),
    best as (
      select distinct on (c.call_id) c.* from candidates c order by c.call_id, c.score desc nulls last, c.comune_istat
    )
    select k.id as call_id, k.title, k.summary, k.issuer, k.version, k.published_at, k.updated_at,
           b.comune_istat, co.name as comune, b.verdict, b.score, b.amount_min, b.amount_max,
           (select min(w.closes_at) from ${callWindowsView} w where w.call_id = k.id and w.closes_at > now()) as next_deadline,
           (select coalesce(json_agg(json_build_object('opens_at', w.opens_at, 'closes_at', w.closes_at) order by w.opens_at), '[]') from ${callWindowsView} w where w.call_id = k.id) as windows
      from best b
      join ${callsView} k on k.id = b.call_id and k.editorial_status = 'published'
      left join comuni co on co.istat = b.comune_istat
     where true ${muted}
     order by k.published_at desc, k.id
     limit ${FEED_SIZE}`.execute(db);
  return rows;
}
