import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { createDatabaseIfMissing, createDb, withDatabase, type Db } from '../../server/src/plugins/db/database.ts';

export const TEMPLATE_DATABASE = 'cruscotto_template';

export interface TestDatabase {
  name: string;
  url: string;
  adminUrl: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file, cloned from the migrated template (or empty). */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject('adminUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  await createDatabaseIfMissing(adminUrl, name, options.empty ? undefined : TEMPLATE_DATABASE);
  return {
    name,
    url: withDatabase(adminUrl, name),
    adminUrl,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

export function openDb(database: TestDatabase): Db {
  return createDb(database.url, { max: 5 });
}

export interface DatabaseContext {
  database: TestDatabase;
  db: Db;
}

/** A fresh migrated database for this test file, opened before and dropped after it. */
export function useTestDatabase(): DatabaseContext {
  const context = {} as DatabaseContext;
  beforeAll(async () => {
    context.database = await createTestDatabase();
    context.db = openDb(context.database);
  });
  afterAll(async () => {
    await context.db?.destroy();
    await context.database?.drop();
  });
  return context;
}
