import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import type { CallDocument } from '../../plugins/search/engine.ts';
import { callSourcesView, callsView, callThemesView, callWindowsView, isDemoSql } from '../calls/index.ts';

/** Calls as search documents, in one query; all of them when no ids are given. */
export async function loadCallDocuments(db: Kysely<Database>, ids?: string[]): Promise<CallDocument[]> {
  if (ids && ids.length === 0) return [];
  const { rows } = await sql<{ doc: CallDocument }>`
    select json_build_object(
      'id', c.id, 'title', c.title, 'summary', c.summary, 'description', c.description, 'issuer', c.issuer,
      'programme', c.programme_kind, 'programmeCode', c.programme_code, 'measureCode', c.measure_code,
      'themes', coalesce((select json_agg(t.theme_code order by t.theme_code) from ${callThemesView} t where t.call_id = c.id), '[]'),
      'themeLabels', coalesce((select json_agg(th.label order by th.code) from ${callThemesView} t join themes th on th.code = t.theme_code where t.call_id = c.id), '[]'),
      'sources', coalesce((select json_agg(distinct s.source_kind) from ${callSourcesView} s where s.call_id = c.id), '[]'),
      'bodyTypes', coalesce(c.eligibility -> 'bodyTypes', '[]'),
      'regions', coalesce(c.eligibility -> 'territory' -> 'regions', '[]'),
      'provinces', coalesce(c.eligibility -> 'territory' -> 'provinces', '[]'),
      'editorialStatus', case when c.merged_into is null then c.editorial_status else 'archived' end,
      'totalBudget', c.total_budget, 'remainingBudget', c.remaining_budget, 'amountMax', c.amount_max,
      'publishedAt', (extract(epoch from c.published_at) * 1000)::bigint,
      'windows', coalesce((select json_agg(json_build_object('opensAt', (extract(epoch from w.opens_at) * 1000)::bigint, 'closesAt', (extract(epoch from w.closes_at) * 1000)::bigint) order by w.number) from ${callWindowsView} w where w.call_id = c.id), '[]'),
      'link', c.links -> 0 ->> 'url',
      'demo', ${isDemoSql}
    ) as doc
    from ${callsView} c
    ${ids ? sql`where c.id in (${sql.join(ids)})` : sql``}
  `.execute(db);
  return rows.map((r) => r.doc);
}
