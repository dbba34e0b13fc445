import { DAY_MS, type CallStatus } from '../../shared/call-status.ts';
import { byCodeUnits } from '../../shared/names.ts';
import { DEADLINE_BUCKETS, orderedFacet, type Facet, type SearchQuery, type SearchResult } from './engine.ts';
import { highlight } from './highlight.ts';
import { facetCode, facetNames, type IndexedCall } from './indexed-call.ts';

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
  const statuses = query.status?.length ? new Set(query.status) : null;
  const rows: Row[] = [];
  for (const { call, rank } of candidates) {
    if (!keep(call)) continue;
    const status = call.statusAt(now, query.soonDays);
    if (statuses && !statuses.has(status)) continue;
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
  return (call) => {
    for (const test of tests) if (!test(call)) return false;
    return true;
  };
}

/** A sort's keys, ascending: a null sorts last whatever the direction, as `nulls last` in both engines. */
type Keys = (row: Row) => Keyed;
const LAST = Number.POSITIVE_INFINITY;
const asc = (value: number | null) => value ?? LAST;
const desc = (value: number | null) => (value === null ? LAST : -value);

const keyed = (row: Row, first: number, second = 0, third = 0): Keyed => ({ row, first, second, third });
const ORDERS: Record<SearchQuery['sort'], Keys> = {
  // Calls still usable first (open, closing, upcoming), then the closed and exhausted, each by rank: as the Meilisearch engine.
  relevance: (row) => keyed(row, ENDED.has(row.status) ? 1 : 0, -row.rank, asc(row.deadline)),
  deadline: (row) => keyed(row, asc(row.deadline)),
  '-deadline': (row) => keyed(row, desc(row.deadline)),
  published: (row) => keyed(row, asc(row.call.publishedAt)),
  '-published': (row) => keyed(row, desc(row.call.publishedAt)),
  amount: (row) => keyed(row, asc(row.call.amountMax)),
  '-amount': (row) => keyed(row, desc(row.call.amountMax)),
};

interface Keyed {
  row: Row;
  first: number;
  second: number;
  third: number;
}
const before = (a: Keyed, b: Keyed) =>
  byCodeUnits(a.first, b.first) || byCodeUnits(a.second, b.second) || byCodeUnits(a.third, b.third) || byCodeUnits(a.row.call.id, b.row.call.id);

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
      .map(keysOf)
      .sort(before)
      .slice(0, count)
      .map((entry) => entry.row);
  const kept: Keyed[] = [];
  for (const row of rows) {
    const entry = keysOf(row);
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

/** The values each facet counts a call under, as `facetCode`s: one (-1 for none), or several (the deadline facet counts windows of days instead). */
const ONE_VALUE: Partial<Record<Facet, (row: Row) => number>> = {
  programme: (row) => row.call.codes.programme,
  status: (row) => facetCode(row.status),
  amount: (row) => row.call.codes.amount,
};
const VALUES: Partial<Record<Facet, (row: Row) => readonly number[]>> = {
  themes: (row) => row.call.codes.themes,
  source: (row) => row.call.codes.sources,
  bodyType: (row) => row.call.codes.bodyTypes,
  region: (row) => row.call.codes.regions,
  province: (row) => row.call.codes.provinces,
};

/** A facet's counts, in the engines' common order (`orderedFacet`). */
function countFacet(facet: Facet, rows: Row[], now: number): Record<string, number> {
  if (facet === 'deadline') return countDeadlines(rows, now);
  const one = ONE_VALUE[facet];
  const several = VALUES[facet]!;
  // Sized after the rows are read: counting a status may name a value for the first time.
  const counts: number[] = [];
  for (const row of rows) {
    if (one) {
      const code = one(row);
      if (code >= 0) counts[code] = (counts[code] ?? 0) + 1;
    } else for (const code of several(row)) counts[code] = (counts[code] ?? 0) + 1;
  }
  const found: [string, number][] = [];
  counts.forEach((count, code) => found.push([facetNames[code]!, count]));
  return orderedFacet(facet, found);
}

/** Usable calls closing within each window of days, from now. */
function countDeadlines(rows: Row[], now: number): Record<string, number> {
  const counts = DEADLINE_BUCKETS.map(() => 0);
  for (const row of rows) {
    if ((row.status !== 'aperto' && row.status !== 'in_scadenza') || row.deadline === null || row.deadline <= now) continue;
    DEADLINE_BUCKETS.forEach((days, i) => {
      if (row.deadline! <= now + days * DAY_MS) counts[i]!++;
    });
  }
  return Object.fromEntries(DEADLINE_BUCKETS.map((days, i) => [`entro-${days}-giorni`, counts[i]!]));
}
