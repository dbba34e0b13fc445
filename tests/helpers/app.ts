import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig, type Config } from '../../server/src/plugins/config.ts';
import type { Db } from '../../server/src/plugins/db/database.ts';
import { createTestDatabase, openDb, type TestDatabase } from './database.ts';

export function testConfig(env: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    LOG_LEVEL: 'silent',
    RUN_WORKERS: 'false',
    DATA_DIR: '/nonexistent-test-data-dir',
    PUBLIC_BASE_URL: 'http://cruscotto.test',
    ...env,
  });
}

export interface TestContext {
  app: FastifyInstance;
  db: Db;
  database: TestDatabase;
}

/** Builds the real app on a fresh database for this test file; closed and dropped after it. */
export interface TestAppOptions {
  env?: Record<string, string>;
  /** Registers extra routes before the app is ready, to exercise shared mechanisms. */
  extend?: (app: FastifyInstance) => void;
  logStream?: { write(line: string): void };
}

export function useTestApp({ env = {}, extend, logStream }: TestAppOptions = {}): TestContext {
  const context = {} as TestContext;
  beforeAll(async () => {
    context.database = await createTestDatabase();
    context.app = await buildApp(testConfig(env), { db: openDb(context.database), ...(logStream ? { logStream } : {}) });
    extend?.(context.app);
    await context.app.ready();
    // A second handle for assertions; the app owns and closes its own.
    context.db = openDb(context.database);
  });
  afterAll(async () => {
    await context.app?.close();
    await context.db?.destroy();
    await context.database?.drop();
  });
  return context;
}
