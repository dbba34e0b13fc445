import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** A feature's background work: started once the app is ready (in worker processes), stopped on close. */
export interface BackgroundJob {
  name: string;
  start(): Promise<void> | void;
  stop?(): Promise<void>;
}

export interface Scheduler {
  add(job: BackgroundJob): void;
  /** Starts every job in the order the features added them, one after another. */
  startAll(): Promise<void>;
  /** Stops every job at once, waiting for work under way, so the database closes only after it. */
  stopAll(): Promise<void>;
}

export function createScheduler(): Scheduler {
  const jobs: BackgroundJob[] = [];
  return {
    add: (job) => void jobs.push(job),
    async startAll() {
      for (const job of jobs) await job.start();
    },
    async stopAll() {
      await Promise.all(jobs.map((job) => job.stop?.()));
    },
  };
}

/**
 * Features add their jobs here; `app.ts` starts them once every feature is ready (after the caches
 * began listening) when workers run in this process, and stops them before the services close.
 */
export const schedulerPlugin = fp(async (app: FastifyInstance) => void app.decorate('scheduler', createScheduler()), { name: 'scheduler' });
