import type { FastifyInstance } from 'fastify';
import { drainSearchOutbox } from './search.outbox.ts';

const INTERVAL_MS = 500;

/** Keeps the index a moment behind the database: drains the outbox twice a second while started. */
export function searchWorker(app: FastifyInstance) {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const report = await drainSearchOutbox(app.db, app.searchEngine);
      if (report.failed > 0) app.log.warn({ failed: report.failed, engine: app.searchEngine.name }, 'search index behind: engine unavailable');
    } catch (err) {
      app.log.error({ err }, 'search outbox drain failed');
    } finally {
      running = false;
    }
  };
  return {
    start() {
      timer = setInterval(() => void tick(), INTERVAL_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
