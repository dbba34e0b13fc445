import type { FastifyInstance } from 'fastify';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';
import { loadComuneMatches } from './matching.queries.ts';
import { computeNearMisses } from './matching.service.ts';

/** Notified by triggers on `matches` and `calls` (migration 0430): any change drops every entry. */
export const MATCHES_CHANGED_CHANNEL = 'matches_changed';
/** A Lombard comune has a few hundred to a thousand stored matches: bound the memory. */
const MAX_COMUNI = 500;

/**
 * Each comune's stored matches in memory: the RTD landing page reads them on every visit and they
 * change only when calls or the comune's profile do. Status and days left are worked out per request.
 */
export function registerOpportunitiesCache(app: FastifyInstance): void {
  const cache = new NotifiedCache(MATCHES_CHANGED_CHANNEL, (istat) => loadComuneMatches(app.db, istat), MAX_COMUNI);
  app.decorate('opportunitiesCache', cache.attach(app));
  // Near misses depend on the same calls and profiles, and on the clock: kept a minute at most.
  const nearMisses = new NotifiedCache(
    MATCHES_CHANGED_CHANNEL,
    async (istat) => (await computeNearMisses(app.db, istat, app.clock())) ?? undefined,
    MAX_COMUNI,
    60_000,
  );
  app.decorate('nearMissCache', nearMisses.attach(app));
}
