import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import { primaryOnly, streamingReplica } from './db/read-replica.ts';
import { createMailer, type Mailer } from './mail.ts';
import type { JobQueue } from './queue.ts';
import { createSearchEngine } from './search/index.ts';
import type { SearchEngine } from './search/engine.ts';
import { clockAt } from '../shared/clock.ts';

/**
 * The shared services every feature may depend on, each a named plugin so a feature declares what it
 * needs (`dependencies: ['database', 'clock']`) and Fastify refuses to start when one is missing.
 */
export const configPlugin = fp(async (app: FastifyInstance, { config }: { config: Readonly<Config> }) => void app.decorate('config', config), {
  name: 'config',
});

/**
 * `app.db`, the primary, for writes, sessions, notifications and whatever is read right after a
 * write; `app.readReplica` and `app.readDbFor(request)` for the public reads (read-replica.ts).
 */
export const databasePlugin = fp(
  async (app: FastifyInstance, { db, readDb }: { db: Db; readDb?: Db }) => {
    app.decorate('db', db);
    const replica = readDb ? streamingReplica(db, readDb, (err) => app.log.warn({ err }, 'read replica unavailable, reading the primary')) : primaryOnly(db);
    app.decorate('readReplica', replica);
    app.decorate('readDbFor', async (request: FastifyRequest) => (request.principal ? db : replica.fresh()));
  },
  { name: 'database' },
);

/** Absent in processes that neither enqueue nor work jobs (most HTTP tests). */
export const queuePlugin = fp(async (app: FastifyInstance, { queue }: { queue?: JobQueue }) => void app.decorate('queue', queue), { name: 'queue' });

/** Defaults to SMTP when SMTP_URL is set, else the outbox table. */
export const mailerPlugin = fp(
  async (app: FastifyInstance, { mailer }: { mailer?: Mailer }) => void app.decorate('mailer', mailer ?? createMailer(app.config, app.db)),
  { name: 'mailer', dependencies: ['config', 'database'] },
);

/** Defaults to the engine the config chooses (Meilisearch or PostgreSQL), prepared before the features start. */
export const searchEnginePlugin = fp(
  async (app: FastifyInstance, { search }: { search?: SearchEngine }) => {
    const engine = search ?? createSearchEngine(app.config, app.db, () => app.readReplica.fresh());
    // Settings and version checked once here, never inside a request; a server that cannot serve stops the start.
    await engine.prepare().catch((error: unknown) => {
      throw new Error(`search engine ${engine.name} not usable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    app.decorate('searchEngine', engine);
  },
  { name: 'search-engine', dependencies: ['config', 'database'] },
);

/** `app.clock()`: now, with the configured "closing soon" window; the one place requests and jobs take the time. */
export const clockPlugin = fp(async (app: FastifyInstance) => void app.decorate('clock', () => clockAt(app.config.deadlineSoonDays)), {
  name: 'clock',
  dependencies: ['config'],
});
