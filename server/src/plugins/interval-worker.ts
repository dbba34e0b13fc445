import type { FastifyInstance } from 'fastify';

/**
 * A loop that runs `tick` every `everyMs` while started, never two ticks at once, logging failures.
 * For work that must follow writes within a second (outboxes), where a cron job would be too slow.
 * `stop` waits for a tick under way, so that the database is closed only after it.
 */
export function intervalWorker(app: FastifyInstance, name: string, everyMs: number, tick: () => Promise<void>) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = async () => {
    try {
      await tick();
    } catch (err) {
      app.log.error({ err, worker: name }, 'background worker failed');
    }
  };
  return {
    start() {
      timer = setInterval(() => {
        running ??= run().finally(() => (running = undefined));
      }, everyMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
