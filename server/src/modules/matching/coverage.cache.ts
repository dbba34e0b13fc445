import type { FastifyInstance } from 'fastify';
import { NotifiedCache, queryKey } from '../../plugins/db/notified-cache.ts';
import { STATUS_LAG_MS } from '../../shared/call-status.ts';
import { uncoveredComuni, type CoverageFilter } from './coverage.queries.ts';
import { MATCHES_CHANGED_CHANNEL } from './opportunities.cache.ts';

/** Territories (region, province, size class) viewers look at: a few hundred at most. */
const MAX_FILTERS = 500;

export type Coverage = Awaited<ReturnType<typeof uncoveredComuni>>;

/** A cache whose every entry may depend on any comune: a notification naming one drops them all. */
class WholeCache<T> extends NotifiedCache<T> {
  override invalidate(): void {
    super.invalidate('*');
  }
}

/**
 * The uncovered comuni by filter, in memory: the answer reads every comune's matches of a region and
 * changes only with the matches or the published calls (`matches_changed`, from their triggers), or
 * when a window opens or closes: it lags the clock by STATUS_LAG_MS at most, as the catalogue's statuses.
 */
export function registerCoverageCache(app: FastifyInstance): void {
  const cache = new WholeCache<Coverage>(
    MATCHES_CHANGED_CHANNEL,
    async (key) => uncoveredComuni(app.db, JSON.parse(key) as CoverageFilter, app.clock().now),
    MAX_FILTERS,
    STATUS_LAG_MS,
  );
  app.decorate('coverageCache', cache.attach(app));
}

export const coverageKey = (filter: CoverageFilter) => queryKey(filter);
