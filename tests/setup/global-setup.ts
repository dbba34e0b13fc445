import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDatabaseIfMissing, createDb, withDatabase } from '../../server/src/plugins/db/database.ts';
import { startEmbeddedPostgres } from '../../server/src/plugins/db/embedded.ts';
import { migrateUp } from '../../server/src/plugins/db/migrator.ts';

export const TEMPLATE_DATABASE = 'cruscotto_template';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
  }
}

/** One real PostgreSQL for the whole run, with a migrated template every test file clones. */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stop = async () => {};
  let dataDir: string | undefined;
  if (!adminUrl) {
    dataDir = mkdtempSync(join(tmpdir(), 'cruscotto-test-'));
    // mkdtemp makes it 0700; as root, PostgreSQL runs as the `postgres` user and must reach inside.
    chmodSync(dataDir, 0o755);
    const cluster = await startEmbeddedPostgres({ dataDir });
    adminUrl = cluster.adminUrl;
    stop = () => cluster.stop();
  }
  await createDatabaseIfMissing(adminUrl, TEMPLATE_DATABASE);
  const db = createDb(withDatabase(adminUrl, TEMPLATE_DATABASE), { max: 1 });
  try {
    await migrateUp(db);
  } finally {
    await db.destroy();
  }
  project.provide('adminUrl', adminUrl);

  return async () => {
    await stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}
