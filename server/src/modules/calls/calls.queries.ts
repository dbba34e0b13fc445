import { sql, type Kysely, type SqlBool } from 'kysely';
import type { CallsTable, Database, EditorialStatus, ProgrammeKind } from '../../plugins/db/schema.ts';
import { callStatusSql as callStatusRule, nextDeadlineSql as nextDeadlineRule, type CallStatusSource } from '../../shared/call-status.ts';
import { isDemoSql } from './calls.demo.ts';
import { inQueueSql, pendingRevisionStatusSql, type EditorialQueue } from './editorial.queues.ts';

import type { Clock } from '../../shared/clock.ts';
import { pageRows } from '../../plugins/db/page-rows.ts';

type Db = Kysely<Database>;

/** A call row `c` as the status rule reads it (server/src/shared/call-status.ts). */
const callTimes: CallStatusSource = {
  remainingBudget: sql`c.remaining_budget`,
  windows: sql`(select cw.opens_at as opens, cw.closes_at as closes from call_windows cw where cw.call_id = c.id) as w`,
  bounds: { opens: sql`c.opens_at`, closes: sql`c.closes_at` },
};

/** What users see, from the windows and the budget at `now`; never stored, so it is never stale. */
export const callStatusSql = ({ now, soonDays }: Clock) => callStatusRule(callTimes, now, soonDays);

/** The next closing still ahead, else the last one; null for a call open until funds run out. */
export const nextDeadlineSql = ({ now }: Clock) => nextDeadlineRule<Date>(callTimes, now);

/**
 * A condition on the stored window bounds that every call of the wanted statuses meets, so that the
 * planner can use the index before the exact status is computed.
 */
function statusPrefilter(statuses: string[], now: Date) {
  const running = sql<SqlBool>`(c.opens_at <= ${now} and (c.closes_at is null or c.closes_at > ${now}))`;
  const parts = statuses.map((status) => {
    if (status === 'esaurito') return sql<SqlBool>`c.remaining_budget = 0`;
    if (status === 'chiuso') return sql<SqlBool>`(c.closes_at <= ${now} or c.opens_at is null)`;
    if (status === 'in_arrivo') return sql<SqlBool>`(c.closes_at is null or c.closes_at > ${now})`;
    return running;
  });
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

const themesSql = sql<string[]>`coalesce((select array_agg(t.theme_code order by t.theme_code) from call_themes t where t.call_id = c.id), '{}')`;

export interface CallFilter {
  q?: string | undefined;
  status?: string[] | undefined;
  editorialStatus?: string[] | undefined;
  queue?: EditorialQueue | undefined;
  programme?: string | undefined;
  measure?: string | undefined;
  theme?: string | undefined;
  source?: string | undefined;
  bodyType?: string | undefined;
  deadlineFrom?: string | undefined;
  deadlineTo?: string | undefined;
  sort: string;
  limit: number;
  offset: number;
}

export async function listCalls(db: Db, filter: CallFilter, clock: Clock) {
  const status = callStatusSql(clock);
  const deadline = nextDeadlineSql(clock);
  let query = db.selectFrom('calls as c').where('c.merged_into', 'is', null);
  if (filter.editorialStatus?.length) query = query.where('c.editorial_status', 'in', filter.editorialStatus as EditorialStatus[]);
  if (filter.queue) query = query.where(inQueueSql(filter.queue));
  if (filter.q) query = query.where('c.search_text', 'like', sql<string>`'%' || lower(immutable_unaccent(${filter.q.replace(/[%_\\]/g, '\\$&')})) || '%'`);
  if (filter.status?.length) query = query.where(statusPrefilter(filter.status, clock.now)).where(sql<SqlBool>`${status} in (${sql.join(filter.status)})`);
  if (filter.programme) query = query.where('c.programme_kind', '=', filter.programme as ProgrammeKind);
  if (filter.measure) query = query.where('c.measure_code', '=', filter.measure);
  if (filter.bodyType) query = query.where(sql<SqlBool>`c.eligibility -> 'bodyTypes' ? ${filter.bodyType}`);
  if (filter.source) {
    const source = filter.source;
    query = query.where((eb) =>
      eb.exists(eb.selectFrom('call_sources as s').select('s.call_id').whereRef('s.call_id', '=', 'c.id').where('s.source_kind', '=', source)),
    );
  }
  if (filter.theme) {
    const theme = filter.theme;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('call_themes as t')
          .select('t.call_id')
          .whereRef('t.call_id', '=', 'c.id')
          .where((w) => w.or([w('t.theme_code', '=', theme), w('t.theme_code', 'like', `${theme.replace(/[%_\\]/g, '\\$&')}.%`)])),
      ),
    );
  }
  if (filter.deadlineFrom) query = query.where(sql<SqlBool>`${deadline} >= ${filter.deadlineFrom}::date`);
  if (filter.deadlineTo) query = query.where(sql<SqlBool>`${deadline} < ${filter.deadlineTo}::date + 1`);
  const descending = filter.sort.startsWith('-');
  const order = descending ? sql`desc nulls last` : sql`asc nulls last`;
  const key = { deadline: deadline, published: sql`c.published_at`, amount: sql`c.amount_max` }[
    filter.sort.replace('-', '') as 'deadline' | 'published' | 'amount'
  ];
  return pageRows(
    query,
    (q) =>
      q
        .selectAll('c')
        .select([
          status.as('status'),
          deadline.as('next_deadline'),
          themesSql.as('themes'),
          isDemoSql.as('demo'),
          pendingRevisionStatusSql.as('pending_revision'),
        ])
        .orderBy(sql`${key} ${order}`)
        .orderBy('c.id'),
    filter,
  );
}

/** Calls with everything their pages and the matcher read: status, deadline, themes, windows, sources. */
function fullCalls(db: Db, clock: Clock) {
  return db
    .selectFrom('calls as c')
    .selectAll('c')
    .select([callStatusSql(clock).as('status'), nextDeadlineSql(clock).as('next_deadline'), themesSql.as('themes')])
    .select(
      sql<string[]>`coalesce((select array_agg(t.theme_code order by t.theme_code) from call_themes t where t.call_id = c.id and t.suggested), '{}')`.as(
        'suggested_themes',
      ),
    )
    .select(
      sql<{ label: string | null; opensAt: string; closesAt: string | null }[]>`coalesce((
        select json_agg(json_build_object('label', w.label, 'opensAt', w.opens_at, 'closesAt', w.closes_at) order by w.number) from call_windows w where w.call_id = c.id), '[]'::json)`.as(
        'windows',
      ),
    )
    .select(
      sql<{ kind: string; externalId: string; url: string | null }[]>`coalesce((
        select json_agg(json_build_object('kind', s.source_kind, 'externalId', s.external_id, 'url', s.url) order by s.created_at) from call_sources s where s.call_id = c.id), '[]'::json)`.as(
        'sources',
      ),
    );
}

export async function findCall(db: Db, id: string, clock: Clock) {
  return fullCalls(db, clock).where('c.id', '=', id).executeTakeFirst();
}

/** The published calls still open or upcoming at the clock's time, in one query. */
export async function findOpenPublishedCalls(db: Db, clock: Clock) {
  return fullCalls(db, clock)
    .where('c.editorial_status', '=', 'published')
    .where('c.merged_into', 'is', null)
    .where((eb) => eb.or([eb('c.closes_at', 'is', null), eb('c.closes_at', '>', clock.now)]))
    .orderBy('c.id')
    .execute();
}

export type CallRow = NonNullable<Awaited<ReturnType<typeof findCall>>>;
export type CallListRow = Awaited<ReturnType<typeof listCalls>>['items'][number];
export type CallColumns = Omit<
  CallsTable,
  | 'id'
  | 'editorial_status'
  | 'version'
  | 'search_text'
  | 'created_at'
  | 'updated_at'
  | 'publish_at'
  | 'published_at'
  | 'withdrawn_reason'
  | 'merged_into'
  | 'submitted_by'
  | 'approved_by'
  | 'created_by'
  | 'updated_by'
>;

export async function replaceWindowsAndThemes(
  db: Db,
  callId: string,
  windows: { label?: string | null; opensAt: string; closesAt: string | null }[],
  themes: string[],
  suggested: string[] = [],
  fresh = false,
) {
  if (!fresh) await db.deleteFrom('call_windows').where('call_id', '=', callId).execute();
  await db
    .insertInto('call_windows')
    .values(
      windows.map((w, i) => ({
        call_id: callId,
        number: i + 1,
        label: w.label ?? null,
        opens_at: new Date(w.opensAt),
        closes_at: w.closesAt === null ? null : new Date(w.closesAt),
      })),
    )
    .execute();
  if (!fresh) await db.deleteFrom('call_themes').where('call_id', '=', callId).execute();
  if (themes.length > 0)
    await db
      .insertInto('call_themes')
      .values(themes.map((theme_code) => ({ call_id: callId, theme_code, suggested: suggested.includes(theme_code) })))
      .execute();
}
