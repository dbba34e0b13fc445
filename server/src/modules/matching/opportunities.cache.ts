import type { FastifyInstance } from 'fastify';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { loadComuneMatches, loadPublishedCallCards, type CallCards, type StoredMatch } from './matching.queries.ts';
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
 * The published calls' cards, shared by every comune's list: dropped with the lists on a change to
 * every comune (`*`, which a published call's change sends), and never kept while changes are unheard.
 */
class SharedCallCards {
  private value: { cards: Promise<CallCards>; at: number } | null = null;

  constructor(
    private readonly load: () => Promise<CallCards>,
    private readonly listening: () => boolean,
  ) {}

  get(): Promise<CallCards> {
    if (!this.listening()) return this.load();
    if (this.value && Date.now() - this.value.at < CARDS_MAX_AGE_MS) return this.value.cards;
    const value = { cards: this.load(), at: Date.now() };
    this.value = value;
    value.cards.catch(() => {
      if (this.value === value) this.value = null;
    });
    return value.cards;
  }

  readonly invalidate = (key: string): void => {
    if (key === '*') this.value = null;
  };
}

/**
 * Each comune's stored matches in memory: the RTD landing page reads them on every visit and they
 * change only when calls or the comune's profile do. Status and days left are worked out per request.
 */
export function registerOpportunitiesCache(app: FastifyInstance): void {
  const cache: NotifiedCache<StoredMatch[]> = new NotifiedCache(
    MATCHES_CHANGED_CHANNEL,
    async (istat) => loadComuneMatchesWithPeers(app.db, app.fundingHistory, istat, await cards.get(), romeDay(app.clock().now)),
    MAX_COMUNI,
  );
  const cards = new SharedCallCards(() => loadPublishedCallCards(app.db), () => cache.listening);
  app.decorate('opportunitiesCache', cache.attach(app).alsoInvalidates(cards.invalidate));
  // Anonymous visitors of the comuni's public pages would otherwise push the RTDs' lists out.
  const publicCache = new NotifiedCache(MATCHES_CHANGED_CHANNEL, async (istat) => loadComuneMatches(app.db, istat, await cards.get()), MAX_PUBLIC_COMUNI);
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
async function loadComuneMatchesWithPeers(db: Kysely<Database>, history: FundingHistory, istat: string, cards: CallCards, day: string) {
  const matches = await loadComuneMatches(db, istat, cards);
  const peers = await loadPeers(
    db,
    history,
    istat,
    matches.map((m) => ({ id: m.call_id, title: m.title, measure_code: m.measure_code })),
    day,
  );
  return matches.map((m) => ({ ...m, peers: peers.get(m.call_id) ?? null }));
}
