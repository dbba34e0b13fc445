import { CALL_STATUSES, type CallStatus } from '../../shared/call-status.ts';
import { byCodeUnits } from '../../shared/names.ts';

/** A call as the search engines index it: flat, with everything a filter, facet or sort needs. */
export interface CallDocument {
  id: string;
  title: string;
  summary: string | null;
  description: string | null;
  issuer: string;
  programme: string;
  programmeCode: string | null;
  measureCode: string | null;
  themes: string[];
  themeLabels: string[];
  sources: string[];
  bodyTypes: string[];
  regions: string[];
  provinces: string[];
  editorialStatus: string;
  totalBudget: number | null;
  remainingBudget: number | null;
  amountMax: number | null;
  /** Epoch milliseconds, so both engines can compare and sort them. */
  publishedAt: number | null;
  windows: { opensAt: number; closesAt: number | null }[];
  link: string | null;
  /** From the demo catalogue: pages label it "dimostrativo". Absent from documents indexed before the flag existed. */
  demo?: boolean;
}

export const FACETS = ['themes', 'programme', 'source', 'status', 'bodyType', 'region', 'province', 'amount', 'deadline'] as const;
export type Facet = (typeof FACETS)[number];
export const SORTS = ['relevance', 'deadline', '-deadline', 'published', '-published', 'amount', '-amount'] as const;
export const AMOUNT_BUCKETS = [
  ['fino-10000', 0, 10_000],
  ['10000-50000', 10_000, 50_000],
  ['50000-250000', 50_000, 250_000],
  ['250000-1000000', 250_000, 1_000_000],
  ['oltre-1000000', 1_000_000, Infinity],
] as const;
/** Open calls closing within so many days (cumulative). */
export const DEADLINE_BUCKETS = [7, 30, 60, 90] as const;

/** Words users type for the same thing; Meilisearch gets them as settings, PostgreSQL expands queries. */
export const SYNONYMS: string[][] = [
  ['pagopa', 'pago pa'],
  ['spid', 'identità digitale'],
  ['cloud', 'nuvola'],
  ['app io', 'appio'],
  ['send', 'notifiche digitali'],
  ['pdnd', 'piattaforma digitale nazionale dati'],
];

export interface SearchQuery {
  q?: string | undefined;
  status?: string[] | undefined;
  editorialStatus: string[];
  programme?: string | undefined;
  measure?: string | undefined;
  theme?: string | undefined;
  source?: string | undefined;
  bodyType?: string | undefined;
  region?: string | undefined;
  province?: string | undefined;
  facets: Facet[];
  sort: (typeof SORTS)[number];
  limit: number;
  offset: number;
  now: Date;
  soonDays: number;
}

export interface SearchHit {
  id: string;
  title: string;
  summary: string | null;
  issuer: string;
  programme: string;
  measureCode: string | null;
  themes: string[];
  status: string;
  editorialStatus: string;
  nextDeadline: string | null;
  totalBudget: number | null;
  amountMax: number | null;
  link: string | null;
  demo: boolean;
  /** Matched words wrapped in <mark>…</mark>. */
  highlights: { title: string | null; summary: string | null };
}

export interface SearchResult {
  items: SearchHit[];
  total: number;
  facets: Partial<Record<Facet, Record<string, number>>>;
}

export interface SearchEngine {
  readonly name: 'postgres' | 'meilisearch';
  /** Checks the server and applies the index settings, once when a process starts; throws when the engine cannot serve. */
  prepare(): Promise<void>;
  index(documents: CallDocument[]): Promise<void>;
  remove(ids: string[]): Promise<void>;
  search(query: SearchQuery): Promise<SearchResult>;
  /** Loads what searches are served from, in a web process that is starting (the first search would otherwise). */
  warm(): Promise<void>;
  /** Rebuilds the whole index from these documents; searches keep working meanwhile. */
  reindex(documents: CallDocument[]): Promise<void>;
  /** Calls whose stored status or deadline is out of date at `now` (none when the engine computes them per query). */
  staleIds(now: Date): Promise<string[]>;
  health(): Promise<{ healthy: boolean; detail: string | null }>;
  close(): Promise<void>;
}

/** The query and the variants its synonyms give ("pago pa" → also "pagopa"). */
export function queryVariants(q: string): string[] {
  const folded = q.toLowerCase();
  const variants = new Set([q]);
  for (const group of SYNONYMS) {
    for (const word of group) {
      if (!folded.includes(word)) continue;
      for (const other of group) if (other !== word) variants.add(folded.replace(word, other));
    }
  }
  return [...variants];
}

/** A facet's counts in the order both engines give them: statuses as a call lives them, other values alphabetically. */
export function orderedFacet(facet: Facet, counts: Iterable<readonly [string, number]>): Record<string, number> {
  const found = [...counts];
  const place = facet === 'status' ? (key: string) => CALL_STATUSES.indexOf(key as CallStatus) : null;
  found.sort(([a], [b]) => (place ? place(a) - place(b) : byCodeUnits(a, b)));
  return Object.fromEntries(found);
}
