import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgBossQueue, type JobQueue } from '../../server/src/plugins/queue.ts';
import { useTestDatabase } from '../helpers/database.ts';

const context = useTestDatabase();
const queues: JobQueue[] = [];
afterAll(async () => Promise.all(queues.map((q) => q.stop())));

describe('the job queue shared by several processes', () => {
  it('lets processes starting together create their queues at once, without a deadlock', { timeout: 60_000 }, async () => {
    const log = pino({ level: 'silent' });
    const started = await Promise.all([0, 1, 2].map(() => createPgBossQueue({ connectionString: context.database.url, runWorkers: false, log })));
    queues.push(...started);
    const names = Array.from({ length: 8 }, (_, i) => `test.queue-${i}`);
    // Each process creates the queues in its own order, as features starting at once do.
    const sent = await Promise.all(started.flatMap((queue, p) => names.map((_, i) => queue.send(names[(i + p * 3) % names.length]!, { from: p }))));
    expect(sent.filter((id) => typeof id === 'string')).toHaveLength(started.length * names.length);
    const { rows } = await sql<{ name: string; policy: string; retry_limit: number; retry_delay: number; retry_backoff: boolean }>`
      select name, policy, retry_limit, retry_delay, retry_backoff from pgboss.queue where name like 'test.%' order by name`.execute(context.db);
    expect(rows).toEqual(names.map((name) => ({ name, policy: 'standard', retry_limit: 5, retry_delay: 5, retry_backoff: true })));
  });
});
