import { DAY_MS, type CallStatus } from '../../shared/call-status.ts';
import { DEADLINE_BUCKETS, type Facet, type SearchQuery, type SearchResult } from './engine.ts';
import { highlight } from './highlight.ts';
import type { IndexedCall } from './indexed-call.ts';

/** A call that matched, with its rank (0 without words). */
export interface Candidate {
  call: IndexedCall;
  rank: number;
}

interface Row extends Candidate {
  status: CallStatus;
  deadline: number | null;
}

const ENDED: ReadonlySet<string> = new Set(['chiuso', 'esaurito']);

/** Filters, statuses, facets, order and page over the matched calls: what the SQL query did per search. */
export function searchCandidates(candidates: Iterable<Candidate>, query: SearchQuery, stems: readonly string[]): SearchResult {
  const now = query.now.getTime();
  const keep = filterOf(query);
  const rows: Row[] = [];
  for (const { call, rank } of candidates) {
    if (!keep(call)) continue;
    const status = call.statusAt(now, query.soonDays);
    if (query.status?.length && !query.status.includes(status)) continue;
    rows.push({ call, rank, status, deadline: call.deadlineAt(now, query.soonDays) });
  }
  return {
    total: rows.length,
    facets: Object.fromEntries(query.facets.map((facet) => [facet, countFacet(facet, rows, now)])),
    items: firstInOrder(rows, query.sort, query.offset + query.limit)
      .slice(query.offset, query.offset + query.limit)
      .map(({ call: { doc }, status, deadline }) => ({
        id: doc.id,
        title: doc.title,
        summary: doc.summary,
        issuer: doc.issuer,
        programme: doc.programme,
        measureCode: doc.measureCode,
        themes: doc.themes,
        status,
        editorialStatus: doc.editorialStatus,
        nextDeadline: deadline === null ? null : new Date(deadline).toISOString(),
        totalBudget: doc.totalBudget,
        amountMax: doc.amountMax,
        link: doc.link,
        demo: doc.demo === true,
        highlights: query.q?.trim()
          ? { title: highlight(doc.title, stems), summary: doc.summary ? highlight(doc.summary, stems) : null }
          : { title: null, summary: null },
      })),
  };
}

function filterOf(query: SearchQuery): (call: IndexedCall) => boolean {
  const tests: ((call: IndexedCall) => boolean)[] = [(call) => query.editorialStatus.includes(call.editorialStatus)];
  const { programme, measure, theme, source, bodyType, region, province } = query;
  if (programme) tests.push((call) => call.programme === programme);
  if (measure) tests.push((call) => call.measureCode === measure);
  if (theme) tests.push((call) => call.themes.some((t) => t === theme || t.startsWith(`${theme}.`)));
  if (source) tests.push((call) => call.sources.includes(source));
  if (bodyType) tests.push((call) => call.bodyTypes.includes(bodyType));
  if (region) tests.push((call) => call.regions.length === 0 || call.regions.includes(region));
  if (province) tests.push((call) => call.provinces.length === 0 || call.provinces.includes(province));
  return (call) => tests.every((test) => test(call));
}

/** A sort's keys, ascending: a null sorts last whatever the direction, as `nulls last` in both engines. */
type Keys = (row: Row) => [number, number, number];
const LAST = Number.POSITIVE_INFINITY;
const asc = (value: number | null) => value ?? LAST;
const desc = (value: number | null) => (value === null ? LAST : -value);

const ORDERS: Record<SearchQuery['sort'], Keys> = {
  // Calls still usable first (open, closing, upcoming), then the closed and exhausted, each by rank: as the Meilisearch engine.
  relevance: (row) => [ENDED.has(row.status) ? 1 : 0, -row.rank, asc(row.deadline)],
  deadline: (row) => [asc(row.deadline), 0, 0],
  '-deadline': (row) => [desc(row.deadline), 0, 0],
  published: (row) => [asc(row.call.publishedAt), 0, 0],
  '-published': (row) => [desc(row.call.publishedAt), 0, 0],
  amount: (row) => [asc(row.call.amountMax), 0, 0],
  '-amount': (row) => [desc(row.call.amountMax), 0, 0],
};

const compare = (x: number | string, y: number | string) => (x < y ? -1 : x > y ? 1 : 0);

interface Keyed {
  row: Row;
  keys: [number, number, number];
}
const before = (a: Keyed, b: Keyed) =>
  compare(a.keys[0], b.keys[0]) || compare(a.keys[1], b.keys[1]) || compare(a.keys[2], b.keys[2]) || compare(a.row.call.id, b.row.call.id);

/**
 * The first `count` rows in the sort's order, ties by call id: keys computed once per row, and only the
 * rows that can still reach the page kept in order (a page of 20 out of thousands needs no full sort).
 */
function firstInOrder(rows: Row[], sort: SearchQuery['sort'], count: number): Row[] {
  const keysOf = ORDERS[sort];
  if (count <= 0) return [];
  // A large page (a CSV of thousands) is cheaper sorted whole.
  if (count * 4 >= rows.length)
    return rows
      .map((row) => ({ row, keys: keysOf(row) }))
      .sort(before)
      .slice(0, count)
      .map((entry) => entry.row);
  const kept: Keyed[] = [];
  for (const row of rows) {
    const entry = { row, keys: keysOf(row) };
    if (kept.length === count && before(entry, kept[count - 1]!) >= 0) continue;
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (before(kept[middle]!, entry) <= 0) low = middle + 1;
      else high = middle;
    }
    kept.splice(low, 0, entry);
    if (kept.length > count) kept.pop();
  }
  return kept.map((entry) => entry.row);
}

/** The values each facet counts a call under (the deadline facet counts windows of days instead). */
const FACET_VALUES: Record<Exclude<Facet, 'deadline'>, (row: Row) => readonly (string | null)[]> = {
  themes: (row) => row.call.themes,
  programme: (row) => [row.call.programme],
  source: (row) => row.call.sources,
  status: (row) => [row.status],
  bodyType: (row) => row.call.bodyTypes,
  region: (row) => row.call.regions,
  province: (row) => row.call.provinces,
  amount: (row) => [row.call.amountBucket],
};

function countFacet(facet: Facet, rows: Row[], now: number): Record<string, number> {
  const counts: Record<string, number> = {};
  if (facet === 'deadline') {
    for (const days of DEADLINE_BUCKETS) {
      const until = now + days * DAY_MS;
      counts[`entro-${days}-giorni`] = rows.filter(
        (row) => (row.status === 'aperto' || row.status === 'in_scadenza') && row.deadline !== null && row.deadline > now && row.deadline <= until,
      ).length;
    }
    return counts;
  }
  const valuesOf = FACET_VALUES[facet];
  for (const row of rows) for (const key of valuesOf(row)) if (key !== null) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}
