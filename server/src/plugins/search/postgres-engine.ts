import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { searchCandidates } from './catalogue-search.ts';
import { queryVariants, type CallDocument, type SearchEngine, type SearchQuery, type SearchResult } from './engine.ts';
import { SearchCatalogue } from './postgres-catalogue.ts';
import { parseTsQuery, positiveTerms, type Term, type TsQuery } from './tsquery.ts';

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

/** The engine of the embedded default: Italian full text with unaccent, trigrams for typos, GIN indexes. */
export function createPostgresEngine(db: Db, reads: () => Promise<Db> = async () => db): SearchEngine {
  const catalogue = new SearchCatalogue();
  const wordings = new TsQueries();
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
    search: async (query) => searchPostgres(await reads(), catalogue, wordings, query),
    warm: async () => catalogue.sync(await reads()),
    // Status and deadline are worked out in memory at each query's time, never stored in the index.
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

/** A wording's query and the terms a matching call may contain (its stems: candidates, rank, highlights). */
interface Wording {
  query: TsQuery;
  terms: Term[];
}

/** Words people search for, as PostgreSQL's Italian dictionary reads them: one round trip per new wording. */
class TsQueries {
  private readonly known = new Map<string, Wording | null>();
  async of(db: Db, q: string): Promise<Wording | null> {
    if (this.known.has(q)) return this.known.get(q)!;
    const { rows } = await sql<{ query: string }>`select (${tsQuery(q)})::text as query`.execute(db);
    const query = parseTsQuery(rows[0]!.query);
    const wording = query && { query, terms: positiveTerms(query) };
    if (this.known.size >= MAX_WORDINGS) this.known.delete(this.known.keys().next().value!);
    this.known.set(q, wording);
    return wording;
  }
}
const MAX_WORDINGS = 5000;

/**
 * Each search reads one row (the index's version) and computes the rest in memory, over the mirror of
 * the index (postgres-catalogue.ts): matching, rank, statuses at `now`, filters, facets, order, page.
 */
async function searchPostgres(db: Db, catalogue: SearchCatalogue, wordings: TsQueries, query: SearchQuery): Promise<SearchResult> {
  await catalogue.sync(db);
  const q = query.q?.trim();
  if (!q) return searchCandidates(catalogue.all(), query, []);
  const wording = await wordings.of(db, q);
  const stems = wording ? wording.terms.map((term) => term.lexeme) : [];
  if (wording) {
    const fullText = searchCandidates(catalogue.matching(wording.query, wording.terms), query, stems);
    if (fullText.total > 0) return fullText;
  }
  // Nothing for the words as typed: forgive typos with trigram similarity on the title.
  const folded = sql`lower(immutable_unaccent(${q}))`;
  const { rows } = await sql<{ id: string; rank: number }>`
    select call_id as id, word_similarity(${folded}, title_folded) as rank
      from search_documents where word_similarity(${folded}, title_folded) > 0.4`.execute(db);
  return searchCandidates(catalogue.byId(rows), query, stems);
}
