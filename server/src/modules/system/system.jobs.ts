import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { recordHeartbeat, removeStaleWorkers, removeWorker } from './system.queries.ts';

export const HEARTBEAT_SECONDS = 15;
const STALE_AFTER_SECONDS = 3600;

/** Each worker process beats so /ready can tell whether anyone is processing jobs. */
export async function startSystemJobs(app: FastifyInstance): Promise<void> {
  const queue = app.queue;
  if (!queue) return;
  const worker = { workerId: randomUUID(), hostname: hostname(), pid: process.pid };
  const beat = () => recordHeartbeat(app.db, worker).catch((err) => app.log.warn({ err }, 'heartbeat failed'));
  await beat();
  const timer = setInterval(beat, HEARTBEAT_SECONDS * 1000);
  timer.unref();

  await queue.work('system.prune-workers', async () => {
    const removed = await removeStaleWorkers(app.db, STALE_AFTER_SECONDS);
    app.log.info({ removed }, 'stale workers pruned');
  });
  await queue.schedule('system.prune-workers', '17 * * * *');

  app.addHook('onClose', async () => {
    clearInterval(timer);
    await removeWorker(app.db, worker.workerId).catch(() => {});
  });
}
