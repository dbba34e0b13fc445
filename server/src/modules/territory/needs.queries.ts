import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
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
    ), offers as (
      select n.theme_code, n.istat, m.call_id, m.amount_max
        from needs n
        join matches m on m.comune_istat = n.istat
        join calls k on k.id = m.call_id and ${usableCallSql('k', now)}
       where exists (select 1 from call_themes ct where ct.call_id = m.call_id and ${THEMES_MEET})
    )
    select n.theme_code as theme, coalesce(th.label, n.theme_code) as "themeLabel", n.province_sigla as province, n.size_class as "sizeClass",
           count(*)::int as comuni, sum(n.items)::int as items, sum(n.cost)::float8 as "unfundedCost",
           array(select distinct o.call_id::text from offers o join needs n2 on n2.istat = o.istat and n2.theme_code = o.theme_code
             where o.theme_code = n.theme_code and n2.province_sigla = n.province_sigla and n2.size_class is not distinct from n.size_class) as "callIds",
           (select coalesce(sum(o.amount_max), 0) from offers o join needs n2 on n2.istat = o.istat and n2.theme_code = o.theme_code
             where o.theme_code = n.theme_code and n2.province_sigla = n.province_sigla and n2.size_class is not distinct from n.size_class)::float8 as "estimatedAmount"
      from needs n left join themes th on th.code = n.theme_code
     group by n.theme_code, th.label, n.province_sigla, n.size_class
     order by n.theme_code, n.province_sigla, n.size_class`.execute(db);
  return rows;
}

/** Themes with at least one open call usable today by any comune, whatever the comuni it reaches. */
export async function themesWithOpenCalls(db: Kysely<Database>, now: Date): Promise<string[]> {
  const { rows } = await sql<{ theme_code: string }>`
    select distinct ct.theme_code from call_themes ct join calls k on k.id = ct.call_id where ${usableCallSql('k', now)}`.execute(db);
  return rows.map((r) => r.theme_code);
}
