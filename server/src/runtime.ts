import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { DEMO_LOGINS, seedDemo } from '../../seeds/demo.ts';
import { seedAvvisiPnrr } from '../../seeds/avvisi-pnrr.ts';
import { seedDemoCalls } from '../../seeds/demo-calls.ts';
import { buildApp } from './app.ts';
import { catchUpMatching } from './modules/matching/index.ts';
import { catchUpSearchIndex } from './modules/search/index.ts';
import type { Config } from './plugins/config.ts';
import { resolveDatabase, type DatabaseTarget } from './plugins/db/connect.ts';
import { createDb } from './plugins/db/database.ts';
import { migrateUp } from './plugins/db/migrator.ts';
import { createPgBossQueue } from './plugins/queue.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { loggerOptions } from './plugins/logging.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  database: DatabaseTarget;
  stop(): Promise<void>;
}

/** How this process shows in pg_stat_activity: its role and pid. */
const applicationName = (role: 'web' | 'worker' | 'all') => `cruscotto-${role}-${process.pid}`;

/** The streaming replica of DATABASE_READ_URL for the public reads, when there is one. */
const readReplica = (config: Readonly<Config>, role: Parameters<typeof applicationName>[0]) =>
  config.databaseReadUrl ? { readDb: createDb(config.databaseReadUrl, { max: 20, applicationName: applicationName(role) }) } : {};

/**
 * Everything `npm start` does: database, migrations, demo data, jobs, HTTP. With RUN_WORKERS=false
 * the process only serves HTTP and leaves the jobs to `npm run worker` processes.
 */
export async function startServer(config: Readonly<Config>): Promise<RunningServer> {
  const log = pino(loggerOptions(config) as pino.LoggerOptions);
  // DATA_DIR is claimed only for the embedded PostgreSQL it holds: web processes of one external
  // database may share it (and the secrets generated into it) on one machine.
  const unlock = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
  let database: DatabaseTarget | undefined;
  try {
    // The server holds DATA_DIR: it stops the embedded PostgreSQL when it stops, also one a crash left running.
    database = await resolveDatabase(config, { onLog: (message) => log.debug({ postgres: message.trim() }, 'postgres'), inCharge: true });
    const role = config.runWorkers ? 'all' : 'web';
    const db = createDb(database.url, { max: 20, applicationName: applicationName(role) });
    const applied = await migrateUp(db);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    if (database.kind !== 'external') {
      await seedDemo(db);
      await seedAvvisiPnrr(db, new Date(), config.deadlineSoonDays);
      await seedDemoCalls(db, new Date(), config.deadlineSoonDays);
    }
    const queue = await createPgBossQueue({ connectionString: database.url, runWorkers: config.runWorkers, log });
    const app = await buildApp(config, { db, queue, ...readReplica(config, role) });
    if (database.kind !== 'external') {
      // The ready line promises the demo: an RTD who signs in at once must find the catalogue already
      // matched to their comuni and searchable, not an empty list the workers fill a few seconds later.
      try {
        await catchUpMatching(app);
        await catchUpSearchIndex(app);
      } catch (err) {
        log.error({ err }, 'catching up on the demo data failed; the background workers retry');
      }
    }
    // Searches are served from the engine's memory: loaded now, not by the first visitor's search.
    void app.searchEngine.warm().catch((err: unknown) => log.warn({ err }, 'loading the search index failed; the first search retries'));
    void app.needsByComune.warm().catch((err: unknown) => log.warn({ err }, "loading the comuni's needs failed; the first report retries"));
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const target = database;
    return {
      app,
      url: `http://${config.host}:${port}`,
      database: target,
      async stop() {
        await app.close();
        await target.release();
        unlock();
      },
    };
  } catch (error) {
    await database?.release().catch(() => {});
    unlock();
    throw error;
  }
}

export interface RunningWorker {
  app: FastifyInstance;
  database: DatabaseTarget;
  stop(): Promise<void>;
}

/**
 * Everything `npm run worker` does: the job workers (matching, alerts, ingestion, search outbox,
 * retention) without HTTP. Any number of them share the work through the database (rows claimed
 * with SKIP LOCKED, jobs through pg-boss); without DATABASE_URL it joins the embedded PostgreSQL of
 * the `npm start` beside it, or starts it and stops it when done.
 */
export async function startWorker(config: Readonly<Config>): Promise<RunningWorker> {
  const log = pino(loggerOptions(config) as pino.LoggerOptions);
  const workerConfig: Readonly<Config> = Object.freeze({ ...config, runWorkers: true });
  const database = await resolveDatabase(workerConfig, { onLog: (message) => log.debug({ postgres: message.trim() }, 'postgres') });
  try {
    const db = createDb(database.url, { max: 10, applicationName: applicationName('worker') });
    const applied = await migrateUp(db);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    const queue = await createPgBossQueue({ connectionString: database.url, runWorkers: true, log });
    const app = await buildApp(workerConfig, { db, queue, jobsOnly: true, ...readReplica(config, 'worker') });
    await app.ready();
    return {
      app,
      database,
      async stop() {
        await app.close();
        await database.release();
      },
    };
  } catch (error) {
    await database.release().catch(() => {});
    throw error;
  }
}

export function banner(server: RunningServer, config: Readonly<Config>): string {
  const lines = [
    '',
    `  Cruscotto digitale è in esecuzione su ${server.url}`,
    `  API e documentazione:      ${server.url}/api/docs`,
    `  Database:                  ${server.database.kind === 'external' ? 'DATABASE_URL' : `PostgreSQL integrato in ${config.dataDir}`}`,
  ];
  if (server.database.kind !== 'external' && DEMO_LOGINS.length > 0) {
    lines.push('', '  Accessi dimostrativi:');
    for (const login of DEMO_LOGINS) lines.push(`    ${login.role.padEnd(8)} ${login.email.padEnd(34)} ${login.password}   ${login.description}`);
  }
  lines.push('', '  Ctrl-C per fermare.', '');
  return lines.join('\n');
}
