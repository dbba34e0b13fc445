import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database.ts';
import { callStatusSql, nextDeadlineSql, type CallStatusSource } from '../../shared/call-status.ts';
import {
  AMOUNT_BUCKETS,
  DEADLINE_BUCKETS,
  queryVariants,
  type CallDocument,
  type Facet,
  type SearchEngine,
  type SearchQuery,
  type SearchResult,
} from './engine.ts';

const DAY = 86_400_000;

function row(doc: CallDocument) {
  const closes = doc.windows.length === 0 || doc.windows.some((w) => w.closesAt === null) ? null : Math.max(...doc.windows.map((w) => w.closesAt!));
  return {
    call_id: doc.id,
    document: JSON.stringify(doc),
    tsv: sql`setweight(to_tsvector('italian', immutable_unaccent(${doc.title})), 'A')
      || setweight(to_tsvector('italian', immutable_unaccent(${[doc.programmeCode ?? '', doc.measureCode ?? '', doc.issuer, ...doc.themeLabels].join(' ')})), 'B')
      || setweight(to_tsvector('italian', immutable_unaccent(${doc.summary ?? ''})), 'C')
      || setweight(to_tsvector('italian', immutable_unaccent(${doc.description ?? ''})), 'D')`,
    title_folded: sql<string>`lower(immutable_unaccent(${doc.title}))`,
    editorial_status: doc.editorialStatus,
    programme: doc.programme,
    measure_code: doc.measureCode,
    themes: doc.themes,
    sources: doc.sources,
    body_types: doc.bodyTypes,
    regions: doc.regions,
    provinces: doc.provinces,
    amount_max: doc.amountMax,
    remaining_budget: doc.remainingBudget,
    opens_ms: doc.windows.length > 0 ? Math.min(...doc.windows.map((w) => w.opensAt)) : null,
    closes_ms: closes,
    window_opens: doc.windows.map((w) => w.opensAt),
    window_closes: doc.windows.map((w) => w.closesAt ?? Number.MAX_SAFE_INTEGER),
    published_at: doc.publishedAt === null ? null : new Date(doc.publishedAt),
    indexed_at: sql`now()`,
  };
}

/** A stored document `d` as the status rule reads it; open-ended windows are stored as MAX_SAFE_INTEGER. */
const documentTimes: CallStatusSource = {
  remainingBudget: sql`d.remaining_budget`,
  windows: sql`(select u.o as opens, nullif(u.c, ${Number.MAX_SAFE_INTEGER}) as closes from unnest(d.window_opens, d.window_closes) as u(o, c)) as w`,
  bounds: { opens: sql`d.opens_ms`, closes: sql`d.closes_ms` },
};

/** The engine of the embedded default: Italian full text with unaccent, trigrams for typos, GIN indexes. */
export function createPostgresEngine(db: Db, reads: () => Promise<Db> = async () => db): SearchEngine {
  async function upsert(documents: CallDocument[]) {
    for (let i = 0; i < documents.length; i += 500) {
      const rows = documents.slice(i, i + 500).map(row);
      await db
        .insertInto('search_documents')
        .values(rows as never)
        .onConflict((oc) =>
          oc.column('call_id').doUpdateSet(
            (eb) =>
              Object.fromEntries(
                Object.keys(rows[0]!)
                  .filter((k) => k !== 'call_id')
                  .map((k) => [k, eb.ref(`excluded.${k}` as never)]),
              ) as never,
          ),
        )
        .execute();
    }
  }

  return {
    name: 'postgres',
    async prepare() {},
    index: upsert,
    async remove(ids) {
      if (ids.length > 0) await db.deleteFrom('search_documents').where('call_id', 'in', ids).execute();
    },
    async reindex(documents) {
      // One transaction: searches see the old index until the new one is complete.
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('search_documents').execute();
        const engine = createPostgresEngine(trx as unknown as Db);
        await engine.index(documents);
      });
      // Fresh statistics, so the planner picks the full-text index rather than a scan.
      await sql`analyze search_documents`.execute(db);
    },
    search: async (query) => searchPostgres(await reads(), query),
    // Status and deadline are computed by each query, never stored.
    staleIds: async () => [],
    async health() {
      try {
        await sql`select 1 from search_documents limit 1`.execute(db);
        return { healthy: true, detail: null };
      } catch (error) {
        return { healthy: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {},
  };
}

function tsQuery(q: string) {
  return sql.join(
    queryVariants(q).map((v) => sql`websearch_to_tsquery('italian', immutable_unaccent(${v}))`),
    sql` || `,
  );
}

interface Parts {
  match: RawBuilder<unknown>;
  rank: RawBuilder<number>;
}

async function searchPostgres(db: Db, query: SearchQuery): Promise<SearchResult> {
  const q = query.q?.trim();
  if (!q) return run(db, query, { match: sql`true`, rank: sql<number>`0` });
  const fullText = await run(db, query, { match: sql`d.tsv @@ (${tsQuery(q)})`, rank: sql<number>`ts_rank(d.tsv, ${tsQuery(q)})` });
  if (fullText.total > 0) return fullText;
  // Nothing for the words as typed: forgive typos with trigram similarity on the title.
  const folded = sql`lower(immutable_unaccent(${q}))`;
  return run(db, query, { match: sql`word_similarity(${folded}, d.title_folded) > 0.4`, rank: sql<number>`word_similarity(${folded}, d.title_folded)` });
}

async function run(db: Db, query: SearchQuery, parts: Parts): Promise<SearchResult> {
  const now = query.now.getTime();
  const status = callStatusSql(documentTimes, now, query.soonDays);
  const deadline = nextDeadlineSql<number>(documentTimes, now);
  const filters = [sql`d.editorial_status in (${sql.join(query.editorialStatus)})`, parts.match];
  if (query.programme) filters.push(sql`d.programme = ${query.programme}`);
  if (query.measure) filters.push(sql`d.measure_code = ${query.measure}`);
  if (query.theme)
    filters.push(sql`exists (select 1 from unnest(d.themes) t where t = ${query.theme} or t like ${query.theme.replace(/[%_\\]/g, '\\$&') + '.%'})`);
  if (query.source) filters.push(sql`${query.source} = any(d.sources)`);
  if (query.bodyType) filters.push(sql`${query.bodyType} = any(d.body_types)`);
  if (query.region) filters.push(sql`(cardinality(d.regions) = 0 or ${query.region} = any(d.regions))`);
  if (query.province) filters.push(sql`(cardinality(d.provinces) = 0 or ${query.province} = any(d.provinces))`);
  const statusFilter = query.status?.length ? sql`where m.status in (${sql.join(query.status)})` : sql``;
  if (query.status?.length) filters.push(statusPrefilter(query.status, now));
  const order = {
    // Calls still usable first (open, closing, upcoming), then the closed and exhausted, each by rank: as the Meilisearch engine.
    relevance: sql`(m.status in ('chiuso', 'esaurito')) asc, m.rank desc, m.deadline asc nulls last`,
    deadline: sql`m.deadline asc nulls last`,
    '-deadline': sql`m.deadline desc nulls last`,
    published: sql`m.published_at asc nulls last`,
    '-published': sql`m.published_at desc nulls last`,
    amount: sql`m.amount_max asc nulls last`,
    '-amount': sql`m.amount_max desc nulls last`,
  }[query.sort];
  const facetSql = facetQueries(query.facets, now);
  const q = query.q?.trim() ?? '';
  const headline = (field: string) =>
    q
      ? sql<string | null>`ts_headline('italian', coalesce(d.document ->> ${field}, ''), ${tsQuery(q)}, 'StartSel=<mark>, StopSel=</mark>, HighlightAll=true')`
      : sql<null>`null`;

  const { rows } = await sql<{ items: Record<string, unknown>[] | null; total: number; facets: Record<string, Record<string, number>> }>`
    with matched as (
      select * from (
        select d.call_id, d.themes, d.sources, d.body_types, d.regions, d.provinces, d.programme, d.amount_max, d.published_at,
               ${status} as status, ${deadline} as deadline, ${parts.rank} as rank
          from search_documents d
         where ${sql.join(filters, sql` and `)}
      ) m ${statusFilter}
    ),
    ranked as (
      select m.call_id, m.status, m.deadline, m.rank, m.published_at, m.amount_max
        from matched m order by ${order}, m.call_id limit ${query.limit} offset ${query.offset}
    ),
    page as (
      -- Only the page's rows read the stored document (the widest column) and get highlighted.
      select m.*, d.document, ${headline('title')} as title_hl, ${headline('summary')} as summary_hl
        from ranked m join search_documents d on d.call_id = m.call_id
    )
    select (select json_agg(json_build_object('document', m.document, 'status', m.status, 'deadline', m.deadline, 'titleHl', m.title_hl, 'summaryHl', m.summary_hl) order by ${order}, m.call_id) from page m) as items,
           (select count(*) from matched)::int as total,
           ${facetSql} as facets
  `.execute(db);
  const result = rows[0]!;
  return {
    total: result.total,
    facets: result.facets,
    items: (result.items ?? []).map((item) => {
      const doc = item.document as CallDocument;
      return {
        id: doc.id,
        title: doc.title,
        summary: doc.summary,
        issuer: doc.issuer,
        programme: doc.programme,
        measureCode: doc.measureCode,
        themes: doc.themes,
        status: item.status as string,
        editorialStatus: doc.editorialStatus,
        nextDeadline: item.deadline === null ? null : new Date(Number(item.deadline)).toISOString(),
        totalBudget: doc.totalBudget,
        amountMax: doc.amountMax,
        link: doc.link,
        demo: doc.demo === true,
        highlights: { title: (item.titleHl as string | null) ?? null, summary: doc.summary ? ((item.summaryHl as string | null) ?? null) : null },
      };
    }),
  };
}

/** A condition on the window bounds every call of the wanted statuses meets, for the index. */
function statusPrefilter(statuses: string[], now: number) {
  const parts = statuses.map((status) => {
    if (status === 'esaurito') return sql`d.remaining_budget = 0`;
    if (status === 'chiuso') return sql`(d.closes_ms <= ${now} or d.opens_ms is null)`;
    if (status === 'in_arrivo') return sql`(d.closes_ms is null or d.closes_ms > ${now})`;
    return sql`(d.opens_ms <= ${now} and (d.closes_ms is null or d.closes_ms > ${now}))`;
  });
  return sql`(${sql.join(parts, sql` or `)})`;
}

/** One json object with the counts of each asked facet over the matched calls. */
function facetQueries(facets: Facet[], now: number) {
  const count = (expression: RawBuilder<unknown>) =>
    sql`(select coalesce(json_object_agg(k, n), '{}') from (select k, count(*) as n from (select ${expression} as k from matched m) x where k is not null group by k) f)`;
  const parts: Record<Facet, () => RawBuilder<unknown>> = {
    themes: () => count(sql`unnest(m.themes)`),
    programme: () => count(sql`m.programme`),
    source: () => count(sql`unnest(m.sources)`),
    status: () => count(sql`m.status`),
    bodyType: () => count(sql`unnest(m.body_types)`),
    region: () => count(sql`unnest(m.regions)`),
    province: () => count(sql`unnest(m.provinces)`),
    amount: () =>
      count(
        sql`case ${sql.join(
          AMOUNT_BUCKETS.map(([key, min, max]) => sql`when m.amount_max >= ${min}${max === Infinity ? sql`` : sql` and m.amount_max < ${max}`} then ${key}`),
          sql` `,
        )} end`,
      ),
    deadline: () =>
      sql`json_build_object(${sql.join(DEADLINE_BUCKETS.map((days) => sql`${`entro-${days}-giorni`}::text, (select count(*) from matched m where m.status in ('aperto', 'in_scadenza') and m.deadline > ${now} and m.deadline <= ${now + days * DAY})`))})`,
  };
  if (facets.length === 0) return sql`'{}'::json`;
  return sql`json_build_object(${sql.join(facets.map((f) => sql`${f}::text, ${parts[f]()}`))})`;
}
