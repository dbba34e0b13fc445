import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database, ProgrammeKind } from '../../plugins/db/schema.ts';
import { callStatusSql, nextDeadlineSql, type Clock } from '../calls/calls.queries.ts';

export interface OpportunityFilter {
  verdict?: string[] | undefined;
  minScore?: number | undefined;
  theme?: string | undefined;
  status?: string[] | undefined;
  programme?: string | undefined;
  sort: 'score' | 'deadline' | 'amount';
  limit: number;
  offset: number;
}

function opportunities(db: Kysely<Database>, istat: string, clock: Clock) {
  return db
    .selectFrom('matches as m')
    .innerJoin('calls as c', 'c.id', 'm.call_id')
    .where('m.comune_istat', '=', istat)
    .where('c.editorial_status', '=', 'published')
    .select(['m.call_id', 'm.verdict', 'm.score', 'm.components', 'm.reasons', 'm.checks', 'm.amount_min', 'm.amount_max', 'm.amount_basis', 'm.computed_at', 'c.title', 'c.issuer', 'c.programme_kind', 'c.measure_code'])
    .select([callStatusSql(clock).as('status'), nextDeadlineSql(clock).as('next_deadline')])
    .select(sql<string[]>`coalesce((select array_agg(t.theme_code order by t.theme_code) from call_themes t where t.call_id = c.id), '{}')`.as('themes'));
}

export async function listOpportunities(db: Kysely<Database>, istat: string, filter: OpportunityFilter, clock: Clock) {
  let query = opportunities(db, istat, clock);
  if (filter.verdict?.length) query = query.where('m.verdict', 'in', filter.verdict as never);
  if (filter.minScore !== undefined) query = query.where('m.score', '>=', filter.minScore);
  if (filter.programme) query = query.where('c.programme_kind', '=', filter.programme as ProgrammeKind);
  if (filter.status?.length) query = query.where(sql<SqlBool>`${callStatusSql(clock)} in (${sql.join(filter.status)})`);
  if (filter.theme) {
    const theme = filter.theme;
    query = query.where((eb) => eb.exists(eb.selectFrom('call_themes as t').select('t.call_id').whereRef('t.call_id', '=', 'c.id').where((w) => w.or([w('t.theme_code', '=', theme), w('t.theme_code', 'like', `${theme}.%`)]))));
  }
  const order = { score: sql`m.score desc`, deadline: sql`${nextDeadlineSql(clock)} asc nulls last`, amount: sql`m.amount_max desc nulls last` }[filter.sort];
  const [items, count] = await Promise.all([
    query.orderBy(order).orderBy('m.call_id').limit(filter.limit).offset(filter.offset).execute(),
    query.clearSelect().select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: count.total };
}

export const findOpportunity = (db: Kysely<Database>, istat: string, callId: string, clock: Clock) => opportunities(db, istat, clock).where('m.call_id', '=', callId).executeTakeFirst();

export type OpportunityRow = NonNullable<Awaited<ReturnType<typeof findOpportunity>>>;

export const toOpportunity = (row: OpportunityRow, withChecks = false) => ({
  call: { id: row.call_id, title: row.title, issuer: row.issuer, programme: row.programme_kind, measureCode: row.measure_code, themes: row.themes, status: row.status, nextDeadline: row.next_deadline ? new Date(row.next_deadline).toISOString() : null },
  verdict: row.verdict,
  score: row.score,
  components: row.components as Record<string, number>,
  reasons: row.reasons as { fundableItems: { id: string; title: string }[]; matchedThemes: string[]; amountBasis: string | null; daysLeft: number | null; warnings: string[] },
  amount: row.amount_min === null ? null : { min: row.amount_min, max: row.amount_max!, basis: row.amount_basis ?? '' },
  computedAt: row.computed_at.toISOString(),
  ...(withChecks ? { checks: row.checks as { rule: string; outcome: string; message: string }[] } : {}),
});
