import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';

export interface DuplicateCandidate {
  id: string;
  title: string;
  editorialStatus: string;
  sources: string[];
  titleSimilarity: number;
  sameMeasure: boolean;
}

/**
 * Calls that are probably the same avviso arriving from another source: same programme measure or
 * a similar title (trigrams on the accent-folded title), with application periods that overlap
 * (give or take a month: sources disagree on dates).
 */
export async function findDuplicateCandidates(db: Kysely<Database>, callId: string): Promise<DuplicateCandidate[]> {
  const { rows } = await sql<{ id: string; title: string; editorial_status: string; sources: string[]; similarity: number; same_measure: boolean }>`
    with target as (
      select c.id, c.measure_code, lower(immutable_unaccent(c.title)) as folded,
             (select min(opens_at) from call_windows where call_id = c.id) as opens,
             (select coalesce(max(closes_at), 'infinity') from call_windows where call_id = c.id) as closes
        from calls c where c.id = ${callId}
    )
    select o.id, o.title, o.editorial_status,
           coalesce((select array_agg(distinct s.source_kind) from call_sources s where s.call_id = o.id), '{}') as sources,
           round(similarity(lower(immutable_unaccent(o.title)), t.folded)::numeric, 2)::float8 as similarity,
           (o.measure_code is not null and o.measure_code = t.measure_code) as same_measure
      from calls o, target t
     where o.id <> t.id and o.merged_into is null
       and ((o.measure_code is not null and o.measure_code = t.measure_code and similarity(lower(immutable_unaccent(o.title)), t.folded) > 0.3)
            or similarity(lower(immutable_unaccent(o.title)), t.folded) > 0.55)
       and exists (select 1 from call_windows w where w.call_id = o.id
                    and w.opens_at < t.closes + interval '31 days' and coalesce(w.closes_at, 'infinity') > t.opens - interval '31 days')
     order by similarity desc, o.id
     limit 20
  `.execute(db);
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    editorialStatus: r.editorial_status,
    sources: r.sources,
    titleSimilarity: r.similarity,
    sameMeasure: r.same_measure,
  }));
}
