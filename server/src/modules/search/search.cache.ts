import { sql, type Kysely } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../plugins/db/schema.ts';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';
import type { SearchQuery, SearchResult } from '../../plugins/search/engine.ts';

const SEARCH_CHANGED_CHANNEL = 'search_changed';
const MAX_QUERIES = 1000;
/**
 * Statuses and deadline buckets move with the clock, not only with the index: an answer is reused
 * for at most this long, so "in scadenza" and the 7/30/60/90-day counts lag by 30 s at worst.
 */
const MAX_AGE_MS = 30_000;

/** Tells every app process the index changed; delivered when the writer's transaction commits. */
export async function notifySearchChanged(db: Kysely<Database>): Promise<void> {
  await sql`select pg_notify(${SEARCH_CHANGED_CHANNEL}, '*')`.execute(db);
}

export type CachedQuery = Omit<SearchQuery, 'now'>;

/**
 * Search answers by query: a catalogue is browsed with the same few filters and words over and over,
 * and its index changes a few times an hour. Dropped in every process when the outbox or a reindex
 * writes to the index.
 */
export function registerSearchCache(app: FastifyInstance): void {
  const cache = new NotifiedCache<SearchResult>(
    SEARCH_CHANGED_CHANNEL,
    (key) => app.searchEngine.search({ ...(JSON.parse(key) as CachedQuery), now: new Date() }),
    MAX_QUERIES,
    MAX_AGE_MS,
  );
  app.decorate('searchCache', cache.attach(app, { readsReplica: true }));
}
