// The real app on the embedded database (or BENCH_DATABASE_URL), in its own process so the load
// generator does not share its event loop.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/plugins/config.ts';
import { createDatabaseIfMissing, createDb, withDatabase } from '../src/plugins/db/database.ts';
import { startEmbeddedPostgres } from '../src/plugins/db/embedded.ts';
import { migrateUp } from '../src/plugins/db/migrator.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'cruscotto-bench-'));
chmodSync(dataDir, 0o755);
// BENCH_DATABASE_URL: a database the bench has filled already (the day-in-the-life app), used as it is.
const cluster = process.env.BENCH_DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir });
if (cluster) await createDatabaseIfMissing(cluster.adminUrl, 'cruscotto_bench');
const url = process.env.BENCH_DATABASE_URL ?? withDatabase(cluster!.adminUrl, 'cruscotto_bench');
const db = createDb(url, { max: 20 });
await migrateUp(db);

// BENCH_AS_PRODUCTION: the rate limiter at its default, addresses from X-Forwarded-For as behind a proxy.
const limits = process.env.BENCH_AS_PRODUCTION ? { TRUST_PROXY: 'loopback' } : { RATE_LIMIT_MAX: '10000000' };
const config = loadConfig({
  SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0000',
  LOG_LEVEL: 'warn',
  RUN_WORKERS: 'false',
  DATA_DIR: dataDir,
  ...limits,
});
const app = await buildApp(config, { db });
// As a started web process does (runtime.ts): searches and needs are served from memory loaded before the first request.
await app.searchEngine.warm();
await app.ready();
await app.needsByComune.warm();
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ url: address, databaseUrl: url }) + '\n');

async function stop() {
  await app.close();
  await cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
