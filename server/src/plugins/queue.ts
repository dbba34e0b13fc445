import PgBoss from 'pg-boss';
import type { Logger } from 'pino';

/** How long a stop waits for the jobs under way to finish before failing them (they are retried). */
export const JOBS_STOP_GRACE_MS = 10_000;

export type JobHandler<T> = (data: T, job: { id: string; name: string }) => Promise<void>;

export interface SendOptions {
  /** Deduplicates while a job with the same key is queued or running. */
  singletonKey?: string;
  startAfterSeconds?: number;
  retryLimit?: number;
}

/** The job queue port: PostgreSQL-backed, so several app processes share the work without Redis. */
export interface JobQueue {
  send<T extends object>(name: string, data: T, options?: SendOptions): Promise<string | null>;
  work<T extends object>(name: string, handler: JobHandler<T>, options?: { batchSize?: number }): Promise<void>;
  schedule(name: string, cron: string): Promise<void>;
  stop(): Promise<void>;
}

export interface QueueOptions {
  connectionString: string;
  /** Workers and cron run only in processes that process jobs; any process may enqueue. */
  runWorkers: boolean;
  log: Logger;
}

const RETRY = { retryLimit: 5, retryDelay: 5, retryBackoff: true } as const;

/**
 * pg-boss's create_queue inserts the queue's row and then adds a foreign key to that table: two
 * processes creating different queues at once (as workers starting together do) deadlock. Here one
 * creation runs at a time across every process, under a lock held for the statement's transaction.
 * The options are what `boss.createQueue(name, RETRY)` would store.
 */
async function createQueueOneAtATime(boss: PgBoss, name: string): Promise<void> {
  await boss.getDb().executeSql(
    `with one_at_a_time as (select pg_advisory_xact_lock(hashtext('pgboss.create_queue')))
     select pgboss.create_queue($1, $2) from one_at_a_time`,
    [name, JSON.stringify({ policy: 'standard', ...RETRY })],
  );
}

export async function createPgBossQueue({ connectionString, runWorkers, log }: QueueOptions): Promise<JobQueue> {
  const boss = new PgBoss({
    connectionString,
    schema: 'pgboss',
    max: 4,
    supervise: runWorkers,
    schedule: runWorkers,
    migrate: true,
    application_name: 'cruscotto-jobs',
  });
  let stopping = false;
  // Once stopping, a connection the database ends is expected, not a failure.
  boss.on('error', (err) => (stopping ? log.debug({ err }, 'job queue error while stopping') : log.error({ err }, 'job queue error')));
  await boss.start();

  const created = new Set<string>();
  async function ensureQueue(name: string) {
    if (created.has(name)) return;
    if (!(await boss.getQueue(name))) await createQueueOneAtATime(boss, name);
    created.add(name);
  }

  return {
    async send(name, data, options = {}) {
      await ensureQueue(name);
      return boss.send(name, data, {
        ...RETRY,
        ...(options.retryLimit !== undefined ? { retryLimit: options.retryLimit } : {}),
        ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
        ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
      });
    },
    async work(name, handler, options = {}) {
      await ensureQueue(name);
      await boss.work(name, { batchSize: options.batchSize ?? 1, pollingIntervalSeconds: 1 }, async (jobs) => {
        for (const job of jobs) {
          await handler(job.data as never, { id: job.id, name: job.name });
        }
      });
    },
    async schedule(name, cron) {
      await ensureQueue(name);
      await boss.schedule(name, cron, {}, { tz: 'Europe/Rome' });
    },
    async stop() {
      stopping = true;
      await boss.stop({ graceful: true, wait: true, timeout: JOBS_STOP_GRACE_MS });
    },
  };
}
