import type { FastifyInstance } from 'fastify';
import { POSTGRES_STOP_TIMEOUT_MS } from './plugins/db/embedded.ts';
import { JOBS_STOP_GRACE_MS } from './plugins/queue.ts';

/** Signals this close to the first are the same Ctrl-C delivered again by the wrappers. */
const DUPLICATE_SIGNAL_MS = 1000;
/** Past the stop's own limits (running jobs, then PostgreSQL), with a margin: only a hang reaches it. */
const FORCED_EXIT_MS = JOBS_STOP_GRACE_MS + POSTGRES_STOP_TIMEOUT_MS + 10_000;

/** SIGINT and SIGTERM stop the process gracefully; a second Ctrl-C during the stop forces the exit. */
export function stopOnSignals(app: FastifyInstance, stop: () => Promise<void>): void {
  let stoppingSince: number | null = null;
  const shutdown = (signal: string) => {
    if (stoppingSince !== null) {
      // Under `npm start` one Ctrl-C arrives twice: from the terminal and relayed by npm and tsx.
      // Only a second Ctrl-C, pressed while the stop is under way, forces the exit.
      if (Date.now() - stoppingSince < DUPLICATE_SIGNAL_MS) return;
      process.stderr.write('cruscotto: forced exit\n');
      process.exit(130);
    }
    const since = Date.now();
    stoppingSince = since;
    app.log.info({ signal }, 'shutting down');
    // Work the stop cuts short (a job past the queue's grace period, a query after the pool closed) fails
    // on its own and is retried after the next start: logged, not a crash that turns the stop into exit code 1.
    process.on('unhandledRejection', (err) => app.log.warn({ err }, 'work cut short by the stop'));
    const force = setTimeout(() => {
      process.stderr.write(`cruscotto: not stopped after ${FORCED_EXIT_MS / 1000} s; forced exit\n`);
      process.exit(1);
    }, FORCED_EXIT_MS);
    force.unref();
    stop().then(
      () => {
        app.log.info({ durationMs: Date.now() - since }, 'stopped');
        process.exit(0);
      },
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

export function fail(message: string): never {
  process.stderr.write(`cruscotto: ${message}\n`);
  process.exit(1);
}
