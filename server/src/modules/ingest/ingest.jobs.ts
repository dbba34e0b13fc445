import type { FastifyInstance } from 'fastify';
import { dueSources, failAbandonedRuns } from './ingest.queries.ts';
import { runSource } from './ingest.runner.ts';

/**
 * Every minute, due sources are queued once each (the singleton key), whichever process notices, and
 * runs a crash left `running` are closed as failed (also when a process starts, for its own host's).
 */
export async function startIngestJobs(app: FastifyInstance): Promise<void> {
  const queue = app.queue;
  if (!queue) return;
  const clock = app.clock;
  const closeAbandonedRuns = async () => {
    const failed = await failAbandonedRuns(app.db);
    if (failed > 0) app.log.warn({ failed }, 'abandoned ingest runs closed as failed');
  };
  await closeAbandonedRuns();
  await queue.work<{ sourceId: string }>('ingest.run', async ({ sourceId }) => {
    const report = await runSource(app.db, clock(), sourceId, app.config);
    app.log.info(
      { sourceId, runId: report.runId, status: report.status, created: report.created, updated: report.updated, failed: report.failed },
      'source ingested',
    );
  });
  await queue.work('ingest.tick', async () => {
    await closeAbandonedRuns();
    for (const sourceId of await dueSources(app.db, new Date())) await queue.send('ingest.run', { sourceId }, { singletonKey: sourceId, retryLimit: 0 });
  });
  await queue.schedule('ingest.tick', '* * * * *');
}
