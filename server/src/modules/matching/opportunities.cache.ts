import type { FastifyInstance } from 'fastify';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { loadComuneMatches } from './matching.queries.ts';
import { romeDay } from './matching.profile-facts.ts';
import { loadPeers, type FundingHistory } from './outcomes.queries.ts';
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
  const cache = new NotifiedCache(
    MATCHES_CHANGED_CHANNEL,
    (istat) => loadComuneMatchesWithPeers(app.db, app.fundingHistory, istat, romeDay(app.clock().now)),
    MAX_COMUNI,
  );
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

/** The stored matches with "comuni come il tuo" for each call, in one more query. */
async function loadComuneMatchesWithPeers(db: Kysely<Database>, history: FundingHistory, istat: string, day: string) {
  const matches = await loadComuneMatches(db, istat);
  const peers = await loadPeers(
    db,
    history,
    istat,
    matches.map((m) => ({ id: m.call_id, title: m.title, measure_code: m.measure_code })),
    day,
  );
  return matches.map((m) => ({ ...m, peers: peers.get(m.call_id) ?? null }));
}
