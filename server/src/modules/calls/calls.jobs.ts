import type { FastifyInstance } from 'fastify';
import { publishDueCalls } from './calls.service.ts';

export async function startCallsJobs(app: FastifyInstance): Promise<void> {
  const queue = app.queue;
  if (!queue) return;
  await queue.work('calls.publish-due', async () => {
    const published = await publishDueCalls(app.db, app.clock());
    if (published > 0) app.log.info({ published }, 'scheduled calls published');
  });
  await queue.schedule('calls.publish-due', '* * * * *');
}
