import type { FastifyInstance } from 'fastify';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { loadCallCards, loadComuneMatches, type CallCard, type CallCardsFor, type StoredMatch } from './matching.queries.ts';
import { romeDay } from './matching.profile-facts.ts';
import { loadPeers, type FundingHistory } from './outcomes.queries.ts';
import { computeNearMisses } from './matching.service.ts';

/** Notified by triggers on `matches` and `calls` (migration 0430): any change drops every entry. */
export const MATCHES_CHANGED_CHANNEL = 'matches_changed';
/** A Lombard comune has a few hundred to a thousand stored matches: bound the memory. */
const MAX_COMUNI = 500;
/** The public pages' lists are slimmer (no peers) and their visitors many: a cache of their own. */
const MAX_PUBLIC_COMUNI = 2000;
/** A safety net, as the caches' own (notified-cache.ts). */
const CARDS_MAX_AGE_MS = 10 * 60_000;

/**
 * The published calls' cards, shared by every comune's list and filled as the lists need them: all
 * dropped with the lists on a change to every comune (`*`, which a published call's change sends),
 * and never kept while changes are unheard.
 */
class SharedCallCards {
  private cards = new Map<string, CallCard | null>();
  private since = Date.now();

  constructor(
    private readonly load: (ids: readonly string[]) => Promise<Map<string, CallCard>>,
    private readonly listening: () => boolean,
  ) {}

  readonly for = async (ids: readonly string[]): Promise<ReadonlyMap<string, CallCard | null>> => {
    if (!this.listening()) return this.load(ids);
    if (Date.now() - this.since >= CARDS_MAX_AGE_MS) this.invalidate('*');
    // A change heard while loading replaces the map: what this load brings goes only to its caller.
    const cards = this.cards;
    const missing = ids.filter((id) => !cards.has(id));
    if (missing.length > 0) {
      const loaded = await this.load(missing);
      for (const id of missing) cards.set(id, loaded.get(id) ?? null);
    }
    return cards;
  };

  readonly invalidate = (key: string): void => {
    if (key !== '*') return;
    this.cards = new Map();
    this.since = Date.now();
  };
}

/**
 * Each comune's stored matches in memory: the RTD landing page reads them on every visit and they
 * change only when calls or the comune's profile do. Status and days left are worked out per request.
 */
export function registerOpportunitiesCache(app: FastifyInstance): void {
  const cache: NotifiedCache<StoredMatch[]> = new NotifiedCache(
    MATCHES_CHANGED_CHANNEL,
    (istat) => loadComuneMatchesWithPeers(app.db, app.fundingHistory, istat, cards.for, romeDay(app.clock().now)),
    MAX_COMUNI,
  );
  const cards = new SharedCallCards(
    (ids) => loadCallCards(app.db, ids),
    () => cache.listening,
  );
  app.decorate('opportunitiesCache', cache.attach(app).alsoInvalidates(cards.invalidate));
  // Anonymous visitors of the comuni's public pages would otherwise push the RTDs' lists out.
  const publicCache = new NotifiedCache(MATCHES_CHANGED_CHANNEL, (istat) => loadComuneMatches(app.db, istat, cards.for), MAX_PUBLIC_COMUNI);
  app.decorate('publicOpportunitiesCache', publicCache.attach(app).alsoInvalidates(cards.invalidate));
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
async function loadComuneMatchesWithPeers(db: Kysely<Database>, history: FundingHistory, istat: string, cardsFor: CallCardsFor, day: string) {
  const matches = await loadComuneMatches(db, istat, cardsFor);
  const peers = await loadPeers(
    db,
    history,
    istat,
    matches.map((m) => ({ id: m.call_id, title: m.title, measure_code: m.measure_code })),
    day,
  );
  return matches.map((m) => ({ ...m, peers: peers.get(m.call_id) ?? null }));
}
