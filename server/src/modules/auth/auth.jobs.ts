import type { FastifyInstance } from 'fastify';
import { applyRetention } from './auth.retention.ts';

export async function startAuthJobs(app: FastifyInstance): Promise<void> {
  const queue = app.queue;
  if (!queue) return;
  await queue.work('auth.retention', async () => {
    const report = await applyRetention(app.db, { inactiveUserDays: app.config.inactiveUserRetentionDays });
    app.log.info(report, 'retention applied');
  });
  await queue.schedule('auth.retention', '23 3 * * *');
}
