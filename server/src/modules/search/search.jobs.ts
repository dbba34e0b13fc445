import type { FastifyInstance } from 'fastify';
import { intervalWorker } from '../../plugins/interval-worker.ts';
import { drainSearchOutbox, requeueStaleStatuses } from './search.outbox.ts';

/** Indexes every pending change now, e.g. after the demo catalogue was loaded; stops early if the engine fails. */
export async function catchUpSearchIndex(app: FastifyInstance): Promise<void> {
  for (;;) {
    const report = await drainSearchOutbox(app.db, app.searchEngine);
    if (report.indexed + report.removed === 0 || report.failed > 0) return;
    app.searchCache.invalidate('*');
  }
}

/** Keeps the index a moment behind the database: drains the outbox twice a second while started. */
export function searchWorker(app: FastifyInstance) {
  return intervalWorker(app, 'search-outbox', 500, async () => {
    const report = await drainSearchOutbox(app.db, app.searchEngine);
    if (report.indexed + report.removed > 0) app.searchCache.invalidate('*');
    if (report.failed > 0) app.log.warn({ failed: report.failed, engine: app.searchEngine.name }, 'search index behind: engine unavailable');
  });
}

/**
 * Engines that store each call's status (Meilisearch) index a call again when one of its windows opens,
 * closes or enters the "closing soon" days: once a minute, through the outbox.
 */
export function statusRefreshWorker(app: FastifyInstance) {
  return intervalWorker(app, 'search-status-refresh', 60_000, async () => {
    await requeueStaleStatuses(app.db, app.searchEngine, app.clock().now);
  });
}
