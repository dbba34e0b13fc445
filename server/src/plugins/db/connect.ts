import type { Config } from '../config.ts';
import { createDatabaseIfMissing, withDatabase } from './database.ts';
import { startEmbeddedPostgres } from './embedded.ts';

export const EMBEDDED_DATABASE_NAME = 'cruscotto';

export interface DatabaseTarget {
  readonly url: string;
  /** 'external' when DATABASE_URL is set, otherwise whether we started the embedded cluster or joined one. */
  readonly kind: 'external' | 'embedded' | 'embedded-shared';
  release(): Promise<void>;
}

/**
 * The database `npm start` and the CLI both use: DATABASE_URL when set, otherwise the embedded
 * PostgreSQL in DATA_DIR (joined, not restarted, when another process already runs it; taken over
 * by the server, which is in charge of it).
 */
export async function resolveDatabase(config: Config, options: { onLog?: (message: string) => void; inCharge?: boolean } = {}): Promise<DatabaseTarget> {
  if (config.databaseUrl) return { url: config.databaseUrl, kind: 'external', release: async () => {} };
  const cluster = await startEmbeddedPostgres({ dataDir: config.dataDir, ...options });
  try {
    await createDatabaseIfMissing(cluster.adminUrl, EMBEDDED_DATABASE_NAME);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return {
    url: withDatabase(cluster.adminUrl, EMBEDDED_DATABASE_NAME),
    kind: cluster.owned ? 'embedded' : 'embedded-shared',
    release: () => cluster.stop(),
  };
}
