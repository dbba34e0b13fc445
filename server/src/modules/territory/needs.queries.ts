import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { callsView, callThemesView } from '../calls/index.ts';
import { sizeClassSql } from '../comuni/index.ts';
import { usableCallSql } from '../matching/index.ts';
import { LOMBARDIA, UNFUNDED_ITEM } from './territory.queries.ts';

export interface NeedsFilter {
  province?: string | undefined;
  sizeClass?: string | undefined;
}

export interface NeedsRow {
  theme: string;
  themeLabel: string;
  province: string;
  sizeClass: string | null;
  comuni: number;
  items: number;
  unfundedCost: number;
  /** Open calls on the theme (or a broader or narrower one) that can fund at least one of these comuni. */
  callIds: string[];
  /** Largest estimated amounts of those calls for those comuni, summed. */
  estimatedAmount: number;
}

/** A call's theme serves a planned intervention's theme when one is the other or contains it (`a` and `a.b`). */
const THEMES_MEET = sql`(ct.theme_code = n.theme_code or ct.theme_code like n.theme_code || '.%' or n.theme_code like ct.theme_code || '.%')`;

/**
 * Unfunded planned interventions by theme × province × size class, against the open calls on their
 * theme that the same comuni can use. Only counts and sums leave this query, never an item's text.
 */
export async function needsAgainstFunding(db: Kysely<Database>, filter: NeedsFilter, now: Date): Promise<NeedsRow[]> {
  // Each cell's offers are summed once, not looked for again for every cell.
  const { rows } = await sql<NeedsRow>`
    with needs as (
      select t.theme_code, c.istat, c.province_sigla, ${sizeClassSql} as size_class, count(*)::int as items, coalesce(sum(p.estimated_cost), 0)::float8 as cost
        from programming_items p
        join programming_item_themes t on t.item_id = p.id
        join comuni c on c.istat = p.comune_istat
       where ${UNFUNDED_ITEM} and c.valid_to is null and c.region_code = ${LOMBARDIA}
         and (${filter.province ?? null}::text is null or c.province_sigla = ${filter.province ?? null})
         and (${filter.sizeClass ?? null}::text is null or ${sizeClassSql} = ${filter.sizeClass ?? null})
       group by t.theme_code, c.istat, c.province_sigla, size_class
    ), serving as (
      select distinct n.theme_code, ct.call_id
        from (select distinct theme_code from needs) n
        join ${callThemesView} ct on ${THEMES_MEET}
        join ${callsView} k on k.id = ct.call_id and ${usableCallSql('k', now)}
    ), offers as (
      -- Each comune's matches read once, in its own stretch of the primary key, then joined in memory
      -- to the calls serving each theme: not one index probe per comune, theme and call.
      select n.theme_code, n.province_sigla, n.size_class, array_agg(distinct m.call_id) as call_ids, sum(m.amount_max)::float8 as amount
        from (select distinct istat from needs) c
        join matches m on m.comune_istat = c.istat
        join serving s on s.call_id = m.call_id
        join needs n on n.istat = m.comune_istat and n.theme_code = s.theme_code
       group by n.theme_code, n.province_sigla, n.size_class
    )
    select n.theme_code as theme, coalesce(th.label, n.theme_code) as "themeLabel", n.province_sigla as province, n.size_class as "sizeClass",
           count(*)::int as comuni, sum(n.items)::int as items, sum(n.cost)::float8 as "unfundedCost",
           coalesce(o.call_ids::text[], '{}') as "callIds", coalesce(o.amount, 0)::float8 as "estimatedAmount"
      from needs n
      left join themes th on th.code = n.theme_code
      left join offers o on o.theme_code = n.theme_code and o.province_sigla = n.province_sigla and o.size_class is not distinct from n.size_class
     group by n.theme_code, th.label, n.province_sigla, n.size_class, o.call_ids, o.amount
     order by n.theme_code, n.province_sigla, n.size_class`.execute(db);
  return rows;
}

/** Themes with at least one open call usable today by any comune, whatever the comuni it reaches. */
export async function themesWithOpenCalls(db: Kysely<Database>, now: Date): Promise<string[]> {
  const { rows } = await sql<{ theme_code: string }>`
    select distinct ct.theme_code from ${callThemesView} ct join ${callsView} k on k.id = ct.call_id where ${usableCallSql('k', now)}`.execute(db);
  return rows.map((r) => r.theme_code);
}
