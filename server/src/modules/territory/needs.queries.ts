import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { callsView, callThemesView, callWindowsView } from '../calls/index.ts';
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

/** One comune's unfunded planned interventions on a theme, and what the open calls on the theme offer it. */
export interface ComuneNeed {
  istat: string;
  theme: string;
  province: string;
  sizeClass: string | null;
  items: number;
  cost: number;
  /** Open calls on the theme (or a broader or narrower one) that the comune can use, in id order. */
  callIds: string[];
  /** Their largest estimated amounts for the comune, summed. */
  amount: number;
}

/**
 * The needs of the Lombard comuni named (all of them with `null`), each with its offers: the comune's
 * matches probed for the calls serving each theme it plans for. Only counts and sums, never an item's text.
 */
export async function comuneNeeds(db: Kysely<Database>, istats: readonly string[] | null, now: Date): Promise<ComuneNeed[]> {
  const { rows } = await sql<ComuneNeed>`
    with needs as (
      select t.theme_code, c.istat, c.province_sigla, ${sizeClassSql} as size_class, count(*)::int as items, coalesce(sum(p.estimated_cost), 0)::float8 as cost
        from programming_items p
        join programming_item_themes t on t.item_id = p.id
        join comuni c on c.istat = p.comune_istat
       where ${UNFUNDED_ITEM} and c.valid_to is null and c.region_code = ${LOMBARDIA}
         and (${istats === null} or c.istat = any(${istats ?? []}::text[]))
       group by t.theme_code, c.istat, c.province_sigla, size_class
    ), serving as (
      select distinct n.theme_code, ct.call_id
        from (select distinct theme_code from needs) n
        join ${callThemesView} ct on ${THEMES_MEET}
        join ${callsView} k on k.id = ct.call_id and ${usableCallSql('k', now)}
    ), offers as (
      select n.istat, n.theme_code, array_agg(m.call_id order by m.call_id) as call_ids, sum(m.amount_max)::float8 as amount
        from needs n
        join serving s on s.theme_code = n.theme_code
        join matches m on m.comune_istat = n.istat and m.call_id = s.call_id
       group by n.istat, n.theme_code
    )
    select n.istat, n.theme_code as theme, n.province_sigla as province, n.size_class as "sizeClass", n.items, n.cost,
           coalesce(o.call_ids::text[], '{}') as "callIds", coalesce(o.amount, 0)::float8 as amount
      from needs n
      left join offers o on o.istat = n.istat and o.theme_code = n.theme_code`.execute(db);
  return rows;
}

/** When the open calls next change with the clock alone: the next opening or closing of a published call's window. */
export async function nextServingChange(db: Kysely<Database>, now: Date): Promise<Date | null> {
  const { rows } = await sql<{ at: Date | null }>`
    select least(min(w.opens_at) filter (where w.opens_at > ${now}), min(w.closes_at) filter (where w.closes_at > ${now})) as at
      from ${callWindowsView} w join ${callsView} k on k.id = w.call_id
     where k.editorial_status = 'published'`.execute(db);
  return rows[0]?.at ?? null;
}

/** Theme labels by code, for the cells. */
export async function themeLabels(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db.selectFrom('themes').select(['code', 'label']).execute();
  return new Map(rows.map((r) => [r.code, r.label]));
}

/** Themes with at least one open call usable today by any comune, whatever the comuni it reaches. */
export async function themesWithOpenCalls(db: Kysely<Database>, now: Date): Promise<string[]> {
  const { rows } = await sql<{ theme_code: string }>`
    select distinct ct.theme_code from ${callThemesView} ct join ${callsView} k on k.id = ct.call_id where ${usableCallSql('k', now)}`.execute(db);
  return rows.map((r) => r.theme_code);
}
