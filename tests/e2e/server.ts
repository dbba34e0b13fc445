import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/src/plugins/config.ts';
import { freePort } from '../../server/src/plugins/db/embedded.ts';
import { startServer, type RunningServer } from '../../server/src/runtime.ts';
import { createTestDatabase, openDb, type TestDatabase } from '../helpers/database.ts';
import type { Db } from '../../server/src/plugins/db/database.ts';

export interface E2eServer {
  url: string;
  db: Db;
  server: RunningServer;
  database: TestDatabase;
  stop(): Promise<void>;
}

/** The real server, jobs included, on a fresh database of the embedded PostgreSQL. */
export async function startE2eServer(env: Record<string, string> = {}, port?: number): Promise<E2eServer> {
  const database = await createTestDatabase();
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: String(port),
    PUBLIC_BASE_URL: url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cruscotto-e2e-')),
    SESSION_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_MAX: '100000',
    REVIEW_REQUIRED: 'false',
    ...env,
  });
  const server = await startServer(config);
  const db = openDb(database);
  return {
    url,
    db,
    server,
    database,
    async stop() {
      await server.stop();
      await db.destroy();
      await database.drop();
    },
  };
}
