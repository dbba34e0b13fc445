import { Meilisearch, type IndexSwap, type SearchParams } from 'meilisearch';
import { DAY_MS, LIVE_STATUSES } from '../../shared/call-status.ts';
import {
  AMOUNT_BUCKETS,
  DEADLINE_BUCKETS,
  orderedFacet,
  type CallDocument,
  type Facet,
  type SearchEngine,
  type SearchHit,
  type SearchQuery,
  type SearchResult,
} from './engine.ts';
import { MEILI_SETTINGS, toMeiliDocument, type MeiliDocument } from './meilisearch-documents.ts';
import { MEILISEARCH_VERSION, TASK_TIMEOUT_MS, apiErrorCode, settle, versionAtLeast } from './meilisearch-tasks.ts';

const INDEX = 'calls';
const BATCH = 1000;
const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;
const anyOf = (attribute: string, values: readonly string[]) => `${attribute} IN [${values.map(quote).join(', ')}]`;

/** Meilisearch attribute of each facet Meilisearch can group by itself. */
const FACET_ATTRIBUTE: Partial<Record<Facet, string>> = {
  themes: 'themes',
  programme: 'programme',
  source: 'sources',
  bodyType: 'bodyTypes',
  region: 'regions',
  province: 'provinces',
  status: 'status',
};

export interface MeilisearchOptions {
  url: string;
  apiKey: string | null;
  /** The "closing soon" window the stored statuses are computed with. */
  soonDays: number;
  now?: () => number;
}

/** The production engine (docker-compose.yml). `prepare()` must succeed before it indexes or searches. */
export function createMeilisearchEngine(options: MeilisearchOptions): SearchEngine {
  const client = new Meilisearch({ host: options.url, ...(options.apiKey ? { apiKey: options.apiKey } : {}), timeout: 10_000 });
  const now = options.now ?? Date.now;
  const index = (uid = INDEX) => client.index<MeiliDocument>(uid);

  async function createIndex(uid: string) {
    await settle(client.createIndex(uid, { primaryKey: 'id' }), `creating index ${uid}`, TASK_TIMEOUT_MS.index);
    await settle(index(uid).updateSettings(MEILI_SETTINGS), `settings of ${uid}`, TASK_TIMEOUT_MS.settings);
  }

  async function addDocuments(uid: string, documents: CallDocument[]) {
    const at = now();
    for (let i = 0; i < documents.length; i += BATCH) {
      const batch = documents.slice(i, i + BATCH).map((doc) => toMeiliDocument(doc, at, options.soonDays));
      await settle(index(uid).addDocuments(batch), `indexing ${batch.length} documents`, TASK_TIMEOUT_MS.documents);
    }
  }

  function filters(query: SearchQuery): string[] {
    const filter = [anyOf('editorialStatus', query.editorialStatus)];
    if (query.programme) filter.push(`programme = ${quote(query.programme)}`);
    if (query.measure) filter.push(`measureCode = ${quote(query.measure)}`);
    if (query.theme) filter.push(`themePaths = ${quote(query.theme)}`);
    if (query.source) filter.push(`sources = ${quote(query.source)}`);
    if (query.bodyType) filter.push(`bodyTypes = ${quote(query.bodyType)}`);
    if (query.region) filter.push(`(regions IS EMPTY OR regions = ${quote(query.region)})`);
    if (query.province) filter.push(`(provinces IS EMPTY OR provinces = ${quote(query.province)})`);
    if (query.status?.length) filter.push(anyOf('status', query.status));
    return filter;
  }

  return {
    name: 'meilisearch',

    async prepare() {
      const { pkgVersion } = await client.getVersion();
      if (!versionAtLeast(pkgVersion, MEILISEARCH_VERSION))
        throw new Error(`Meilisearch ${pkgVersion} at ${options.url} is older than ${MEILISEARCH_VERSION}, the version this release needs`);
      try {
        await index().getRawInfo();
      } catch (error) {
        if (apiErrorCode(error) !== 'index_not_found') throw error;
        await settle(client.createIndex(INDEX, { primaryKey: 'id' }), `creating index ${INDEX}`, TASK_TIMEOUT_MS.index);
      }
      await settle(index().updateSettings(MEILI_SETTINGS), `settings of ${INDEX}`, TASK_TIMEOUT_MS.settings);
    },

    index: (documents) => addDocuments(INDEX, documents),

    async remove(ids) {
      if (ids.length > 0) await settle(index().deleteDocuments(ids), `removing ${ids.length} documents`, TASK_TIMEOUT_MS.documents);
    },

    async reindex(documents) {
      // Built aside and swapped in atomically: searches never see it half-built. Writes made meanwhile
      // are replayed from the outbox afterwards (reindexAll), so the swap cannot lose them.
      const aside = `${INDEX}_${Date.now()}`;
      const dropAside = () => settle(client.deleteIndex(aside), `deleting index ${aside}`, TASK_TIMEOUT_MS.index);
      try {
        await createIndex(aside);
        await addDocuments(aside, documents);
        // A plain swap: `rename` defaults to false.
        await settle(client.swapIndexes([{ indexes: [INDEX, aside] } as IndexSwap]), 'swapping in the new index', TASK_TIMEOUT_MS.index);
      } catch (error) {
        await dropAside().catch((cleanup: unknown) => {
          throw new Error(`${error instanceof Error ? error.message : String(error)}; and index ${aside} is left behind: ${String(cleanup)}`);
        });
        throw error;
      }
      await dropAside();
    },

    async staleIds(at) {
      const stale = await index().getDocuments({ filter: `statusChangesAt <= ${at.getTime()}`, fields: ['id'], limit: 10_000 });
      return stale.results.map((doc) => doc.id);
    },

    // Meilisearch holds the index: nothing to load in the app.
    async warm() {},

    async search(query) {
      const q = query.q ?? '';
      const at = query.now.getTime();
      const filter = filters(query);
      const shown: SearchParams = { attributesToHighlight: ['title', 'summary'], highlightPreTag: '<mark>', highlightPostTag: '</mark>' };
      // `page` 0 returns no hits but exact counts (`totalHits`, facets); estimatedTotalHits is a guess.
      const count = (extra: string[] = [], facets: string[] = []) => ({ indexUid: INDEX, q, filter: [...filter, ...extra], page: 0, hitsPerPage: 1, facets });
      const plain = query.facets.filter((f) => FACET_ATTRIBUTE[f]);
      const buckets: [Facet, string, string][] = [];
      if (query.facets.includes('amount'))
        for (const [key, min, max] of AMOUNT_BUCKETS)
          buckets.push(['amount', key, max === Infinity ? `amountMax >= ${min}` : `amountMax >= ${min} AND amountMax < ${max}`]);
      if (query.facets.includes('deadline'))
        for (const days of DEADLINE_BUCKETS)
          buckets.push([
            'deadline',
            `entro-${days}-giorni`,
            `${anyOf('status', ['aperto', 'in_scadenza'])} AND nextDeadline > ${at} AND nextDeadline <= ${at + days * DAY_MS}`,
          ]);
      const live = anyOf('status', LIVE_STATUSES);
      const byRelevance = query.sort === 'relevance';
      const sort = {
        relevance: [],
        deadline: ['nextDeadline:asc'],
        '-deadline': ['nextDeadline:desc'],
        published: ['publishedAt:asc'],
        '-published': ['publishedAt:desc'],
        amount: ['amountMax:asc'],
        '-amount': ['amountMax:desc'],
      }[query.sort];
      // By relevance, calls still usable (upcoming, open, closing) come before the ended ones, as in the
      // PostgreSQL engine: two searches paged as one list.
      const page = { indexUid: INDEX, q, filter: byRelevance ? [...filter, live] : filter, sort, offset: query.offset, limit: query.limit, ...shown };
      const { results } = await client.multiSearch({
        queries: [
          count(
            [],
            plain.map((f) => FACET_ATTRIBUTE[f]!),
          ),
          count([live]),
          page,
          ...buckets.map(([, , extra]) => count([extra])),
        ],
      });
      const [all, liveCount, first, ...bucketCounts] = results as unknown as {
        hits: (MeiliDocument & { _formatted?: Partial<Record<string, string>> })[];
        totalHits?: number;
        facetDistribution?: Record<string, Record<string, number>>;
      }[];
      let hits = first!.hits;
      if (byRelevance && hits.length < query.limit) {
        const liveTotal = liveCount!.totalHits ?? 0;
        const ended = await index().search(q, {
          filter: [...filter, `NOT ${live}`],
          offset: Math.max(0, query.offset - liveTotal),
          limit: query.limit - hits.length,
          ...shown,
        });
        hits = [...hits, ...(ended.hits as typeof hits)];
      }
      const facets: SearchResult['facets'] = {};
      for (const facet of plain) facets[facet] = orderedFacet(facet, Object.entries(all!.facetDistribution?.[FACET_ATTRIBUTE[facet]!] ?? {}));
      buckets.forEach(([facet, key], i) => {
        const n = bucketCounts[i]?.totalHits ?? 0;
        if (n > 0 || facet === 'deadline') facets[facet] = { ...(facets[facet] ?? {}), [key]: n };
      });
      const items: SearchHit[] = hits.map((hit) => ({
        id: hit.id,
        title: hit.title,
        summary: hit.summary,
        issuer: hit.issuer,
        programme: hit.programme,
        measureCode: hit.measureCode,
        themes: hit.themes,
        status: hit.status,
        editorialStatus: hit.editorialStatus,
        nextDeadline: hit.nextDeadline === undefined ? null : new Date(hit.nextDeadline).toISOString(),
        totalBudget: hit.totalBudget,
        amountMax: hit.amountMax ?? null,
        link: hit.link,
        demo: hit.demo === true,
        highlights: { title: hit._formatted?.title ?? null, summary: hit.summary ? (hit._formatted?.summary ?? null) : null },
      }));
      return { items, total: all!.totalHits ?? 0, facets };
    },

    async health() {
      // An authenticated read of the index: a wrong key (401/403) or a missing index fails it, where
      // GET /health (public) would not.
      try {
        const stats = await index().getStats();
        return { healthy: true, detail: stats.isIndexing ? 'indexing' : null };
      } catch (error) {
        const code = apiErrorCode(error);
        return {
          healthy: false,
          detail: code ? `${code}: ${error instanceof Error ? error.message : String(error)}` : error instanceof Error ? error.message : String(error),
        };
      }
    },

    async close() {},
  };
}
