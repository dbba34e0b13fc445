import { sql, type Kysely } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../plugins/db/schema.ts';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';
import type { SearchQuery, SearchResult } from '../../plugins/search/engine.ts';
import { STATUS_LAG_MS } from '../../shared/call-status.ts';

const SEARCH_CHANGED_CHANNEL = 'search_changed';
const MAX_QUERIES = 1000;

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
    // Statuses and deadline buckets move with the clock, not only with the index.
    STATUS_LAG_MS,
  );
  app.decorate('searchCache', cache.attach(app, { readsReplica: true }));
}
