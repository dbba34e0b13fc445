import { Meilisearch, type Filter } from 'meilisearch';
import {
  AMOUNT_BUCKETS,
  DEADLINE_BUCKETS,
  SYNONYMS,
  nextDeadlineAt,
  statusAt,
  type CallDocument,
  type Facet,
  type SearchEngine,
  type SearchHit,
  type SearchResult,
} from './engine.ts';

const INDEX = 'calls';
const DAY = 86_400_000;
const ITALIAN_STOP_WORDS = [
  'il',
  'lo',
  'la',
  'i',
  'gli',
  'le',
  'un',
  'uno',
  'una',
  'di',
  'a',
  'da',
  'in',
  'con',
  'su',
  'per',
  'tra',
  'fra',
  'e',
  'o',
  'del',
  'dello',
  'della',
  'dei',
  'degli',
  'delle',
  'al',
  'allo',
  'alla',
  'ai',
  'agli',
  'alle',
  'nel',
  'nello',
  'nella',
  'nei',
  'negli',
  'nelle',
  'sul',
  'sulla',
  'sui',
  'sulle',
  'che',
  'non',
  'è',
];

/** What Meilisearch stores: the document plus bounds it can filter and sort on. */
function toMeili(doc: CallDocument) {
  const closes = doc.windows.some((w) => w.closesAt === null) ? null : Math.max(...doc.windows.map((w) => w.closesAt!));
  return { ...doc, opensAt: Math.min(...doc.windows.map((w) => w.opensAt)), closesAt: closes ?? Number.MAX_SAFE_INTEGER, exhausted: doc.remainingBudget === 0 };
}

const SETTINGS = {
  searchableAttributes: ['title', 'programmeCode', 'measureCode', 'themeLabels', 'issuer', 'summary', 'description'],
  filterableAttributes: [
    'editorialStatus',
    'programme',
    'measureCode',
    'themes',
    'sources',
    'bodyTypes',
    'regions',
    'provinces',
    'amountMax',
    'opensAt',
    'closesAt',
    'exhausted',
  ],
  sortableAttributes: ['closesAt', 'publishedAt', 'amountMax'],
  rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'],
  stopWords: ITALIAN_STOP_WORDS,
  synonyms: Object.fromEntries(SYNONYMS.flatMap((group) => group.map((word) => [word, group.filter((w) => w !== word)]))),
  pagination: { maxTotalHits: 100_000 },
  faceting: { maxValuesPerFacet: 500 },
};

const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

/**
 * The production engine. Status is time-dependent, so it is a filter on the window bounds at query
 * time (between two windows counts as "in arrivo" only in the PostgreSQL engine, which sees windows).
 */
function statusFilter(status: string, now: number, soon: number): string {
  switch (status) {
    case 'esaurito':
      return 'exhausted = true';
    case 'in_arrivo':
      return `exhausted = false AND opensAt > ${now}`;
    case 'chiuso':
      return `exhausted = false AND closesAt <= ${now}`;
    case 'in_scadenza':
      return `exhausted = false AND opensAt <= ${now} AND closesAt > ${now} AND closesAt <= ${soon}`;
    default:
      return `exhausted = false AND opensAt <= ${now} AND closesAt > ${soon}`;
  }
}

export function createMeilisearchEngine(url: string, apiKey: string | null): SearchEngine {
  const client = new Meilisearch({ host: url, ...(apiKey ? { apiKey } : {}) });
  let settingsApplied = false;
  const index = () => client.index<ReturnType<typeof toMeili>>(INDEX);
  async function ensureIndex(uid: string) {
    if (uid === INDEX && settingsApplied) return;
    await client
      .createIndex(uid, { primaryKey: 'id' })
      .waitTask()
      .catch(() => {});
    await client.index(uid).updateSettings(SETTINGS).waitTask();
    if (uid === INDEX) settingsApplied = true;
  }

  /**
   * Ranking by relevance, calls still usable (open, closing, upcoming) come before closed and exhausted
   * ones, as in the PostgreSQL engine: whether a call is closed depends on the time of the query, which
   * no ranking rule knows, so the live calls are one search and the ended ones a second, paged as one list.
   */
  async function liveFirst(q: string, filter: Filter, now: number, offset: number, limit: number, shown: Record<string, unknown>) {
    const live = [...(filter as string[]), `exhausted = false AND closesAt > ${now}`];
    const ended = [...(filter as string[]), `exhausted = true OR closesAt <= ${now}`];
    const first = await index().search(q, { filter: live, offset, limit, ...shown });
    const liveTotal = first.estimatedTotalHits ?? first.hits.length;
    if (first.hits.length >= limit) return first.hits;
    const rest = await index().search(q, { filter: ended, offset: Math.max(0, offset - liveTotal), limit: limit - first.hits.length, ...shown });
    return [...first.hits, ...rest.hits];
  }

  return {
    name: 'meilisearch',
    async index(documents) {
      await ensureIndex(INDEX);
      for (let i = 0; i < documents.length; i += 1000)
        await index()
          .addDocuments(documents.slice(i, i + 1000).map(toMeili))
          .waitTask();
    },
    async remove(ids) {
      if (ids.length > 0) await index().deleteDocuments(ids).waitTask();
    },
    async reindex(documents) {
      // Build a fresh index aside, then swap it in atomically: searches never see it half-built.
      const next = `${INDEX}_${Date.now()}`;
      await ensureIndex(INDEX);
      await ensureIndex(next);
      for (let i = 0; i < documents.length; i += 1000)
        await client
          .index(next)
          .addDocuments(documents.slice(i, i + 1000).map(toMeili))
          .waitTask();
      await client.swapIndexes([{ indexes: [INDEX, next], rename: false }]).waitTask();
      await client.deleteIndex(next).waitTask();
    },
    async search(query) {
      await ensureIndex(INDEX);
      const now = query.now.getTime();
      const soon = now + query.soonDays * DAY;
      const filter: Filter = [`editorialStatus IN [${query.editorialStatus.map(quote).join(', ')}]`];
      if (query.programme) filter.push(`programme = ${quote(query.programme)}`);
      if (query.measure) filter.push(`measureCode = ${quote(query.measure)}`);
      if (query.theme) filter.push(`themes = ${quote(query.theme)} OR themes STARTS WITH ${quote(`${query.theme}.`)}`);
      if (query.source) filter.push(`sources = ${quote(query.source)}`);
      if (query.bodyType) filter.push(`bodyTypes = ${quote(query.bodyType)}`);
      if (query.region) filter.push(`regions IS EMPTY OR regions = ${quote(query.region)}`);
      if (query.province) filter.push(`provinces IS EMPTY OR provinces = ${quote(query.province)}`);
      if (query.status?.length) filter.push(query.status.map((s) => `(${statusFilter(s, now, soon)})`).join(' OR '));
      const sortKey = {
        relevance: [],
        deadline: ['closesAt:asc'],
        '-deadline': ['closesAt:desc'],
        published: ['publishedAt:asc'],
        '-published': ['publishedAt:desc'],
        amount: ['amountMax:asc'],
        '-amount': ['amountMax:desc'],
      }[query.sort];
      const plainFacets = query.facets.filter((f) => ['themes', 'programme', 'source', 'bodyType', 'region', 'province'].includes(f));
      const attribute: Record<string, string> = {
        themes: 'themes',
        programme: 'programme',
        source: 'sources',
        bodyType: 'bodyTypes',
        region: 'regions',
        province: 'provinces',
      };
      const shown = { attributesToHighlight: ['title', 'summary'], highlightPreTag: '<mark>', highlightPostTag: '</mark>' };
      const byRelevance = query.sort === 'relevance';
      const response = await index().search(query.q ?? '', {
        filter,
        sort: sortKey,
        // By relevance the page comes from the two searches below; this one counts.
        limit: byRelevance ? 0 : query.limit,
        offset: byRelevance ? 0 : query.offset,
        facets: plainFacets.map((f) => attribute[f]!),
        ...shown,
      });
      const hits = byRelevance ? await liveFirst(query.q ?? '', filter, now, query.offset, query.limit, shown) : response.hits;
      const facets: SearchResult['facets'] = {};
      for (const facet of plainFacets) facets[facet] = response.facetDistribution?.[attribute[facet]!] ?? {};
      // Facets Meilisearch cannot group by (time-dependent or bucketed): one count per bucket.
      const counted: [Facet, string, string][] = [];
      if (query.facets.includes('status'))
        for (const s of ['in_arrivo', 'aperto', 'in_scadenza', 'chiuso', 'esaurito']) counted.push(['status', s, statusFilter(s, now, soon)]);
      if (query.facets.includes('amount'))
        for (const [key, min, max] of AMOUNT_BUCKETS)
          counted.push(['amount', key, max === Infinity ? `amountMax >= ${min}` : `amountMax >= ${min} AND amountMax < ${max}`]);
      if (query.facets.includes('deadline'))
        for (const days of DEADLINE_BUCKETS)
          counted.push([
            'deadline',
            `entro-${days}-giorni`,
            `exhausted = false AND opensAt <= ${now} AND closesAt > ${now} AND closesAt <= ${now + days * DAY}`,
          ]);
      if (counted.length > 0) {
        const { results } = await client.multiSearch({
          queries: counted.map(([, , extra]) => ({ indexUid: INDEX, q: query.q ?? '', filter: [...filter, extra], limit: 0 })),
        });
        counted.forEach(([facet, key], i) => {
          const n = (results[i] as { estimatedTotalHits?: number } | undefined)?.estimatedTotalHits ?? 0;
          if (n > 0 || facet === 'deadline') facets[facet] = { ...(facets[facet] ?? {}), [key]: n };
        });
      }
      const items: SearchHit[] = hits.map((hit) => ({
        id: hit.id,
        title: hit.title,
        summary: hit.summary,
        issuer: hit.issuer,
        programme: hit.programme,
        measureCode: hit.measureCode,
        themes: hit.themes,
        status: statusAt(hit, now, query.soonDays),
        editorialStatus: hit.editorialStatus,
        nextDeadline: ((d) => (d === null ? null : new Date(d).toISOString()))(nextDeadlineAt(hit, now)),
        totalBudget: hit.totalBudget,
        amountMax: hit.amountMax,
        link: hit.link,
        demo: hit.demo === true,
        highlights: { title: hit._formatted?.title ?? null, summary: hit.summary ? (hit._formatted?.summary ?? null) : null },
      }));
      return { items, total: response.estimatedTotalHits ?? items.length, facets };
    },
    async health() {
      try {
        await client.health();
        return { healthy: true, detail: null };
      } catch (error) {
        return { healthy: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {},
  };
}
