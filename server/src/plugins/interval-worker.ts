import type { FastifyInstance } from 'fastify';

/**
 * A loop that runs `tick` every `everyMs` while started, never two ticks at once, logging failures.
 * For work that must follow writes within a second (outboxes), where a cron job would be too slow.
 */
export function intervalWorker(app: FastifyInstance, name: string, everyMs: number, tick: () => Promise<void>) {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  return {
    start() {
      timer = setInterval(async () => {
        if (running) return;
        running = true;
        try {
          await tick();
        } catch (err) {
          app.log.error({ err, worker: name }, 'background worker failed');
        } finally {
          running = false;
        }
      }, everyMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
