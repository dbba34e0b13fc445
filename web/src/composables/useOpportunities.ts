import { type Ref } from 'vue';
import { api, unwrap } from '@/api/client';
import { useLoader } from './useLoader';

type Status = 'in_arrivo' | 'aperto' | 'in_scadenza' | 'chiuso' | 'esaurito';
type Programme = 'pnrr' | 'fesr' | 'fse_plus' | 'regionale' | 'nazionale' | 'ue' | 'fondazione' | 'altro';
export interface OpportunityQuery {
  status: string[];
  programme?: string | undefined;
  verdict?: string | undefined;
  sort: string;
  offset: number;
}
export const PAGE_SIZE = 12;

const listOf = (istat: string, query: Omit<OpportunityQuery, 'offset'>, limit: number, offset: number) =>
  unwrap(
    api.GET('/comuni/{istat}/opportunities', {
      params: {
        path: { istat },
        query: {
          status: query.status as Status[],
          programme: query.programme as Programme | undefined,
          verdict: query.verdict ? [query.verdict as 'eligible'] : undefined,
          sort: query.sort as 'score',
          limit,
          offset,
        },
      },
    }),
  );

/**
 * One page of a comune's matched calls, as the filters in the URL ask, with the figures at the top of the
 * page (open opportunities, their estimated amount, the next deadline) whatever the filters.
 */
export function useOpportunities(istat: Ref<string | null>, query: Ref<OpportunityQuery>) {
  return useLoader(async () => (istat.value ? listOf(istat.value, query.value, PAGE_SIZE, query.value.offset) : null), [istat, query]);
}

/** The calls the comune misses by one condition it could act on, each with what would unblock it. */
export function useNearMisses(istat: Ref<string | null>) {
  return useLoader(async () => {
    if (!istat.value) return null;
    return unwrap(api.GET('/comuni/{istat}/opportunities', { params: { path: { istat: istat.value }, query: { verdict: ['near_miss'], limit: 50 } } }));
  }, [istat]);
}

/**
 * How many calls are open in the whole catalogue: what exists, when none is for this comune. Asked for
 * only while `needed` (the list came back empty), so a comune with opportunities draws one answer fewer.
 */
export function useOpenCatalogue(needed: Ref<boolean>) {
  return useLoader(
    async () => (needed.value ? unwrap(api.GET('/calls', { params: { query: { status: ['aperto', 'in_scadenza'], limit: 1 } } })).then((page) => page.total) : null),
    [needed],
  );
}
