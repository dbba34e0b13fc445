import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { SearchEngine } from './engine.ts';
import { createMeilisearchEngine } from './meilisearch-engine.ts';
import { createPostgresEngine } from './postgres-engine.ts';

/**
 * Meilisearch when MEILISEARCH_URL is set, the PostgreSQL engine otherwise; that one writes to `db`
 * and searches the database `reads` gives (the read replica once it is fresh).
 */
export function createSearchEngine(config: Readonly<Config>, db: Db, reads: () => Promise<Db> = async () => db): SearchEngine {
  return config.meilisearchUrl
    ? createMeilisearchEngine({ url: config.meilisearchUrl, apiKey: config.meilisearchApiKey ?? null, soonDays: config.deadlineSoonDays })
    : createPostgresEngine(db, reads);
}
