import { ConfigError, loadConfig, type Config } from './plugins/config.ts';
import { DataDirInUseError } from './data-dir-lock.ts';
import { banner, startServer, type RunningServer } from './runtime.ts';

/** Signals this close to the first are the same Ctrl-C delivered again by the wrappers. */
const DUPLICATE_SIGNAL_MS = 1000;

function fail(message: string): never {
  process.stderr.write(`cruscotto: ${message}\n`);
  process.exit(1);
}

async function main() {
  let config: Readonly<Config>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(`configuration error: ${error.message}`);
    throw error;
  }

  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (error) {
    if (error instanceof DataDirInUseError) fail(error.message);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') fail(`port ${config.port} on ${config.host} is already in use; set PORT`);
    throw error;
  }
  process.stdout.write(banner(server, config) + '\n');

  let stoppingSince: number | null = null;
  const shutdown = (signal: string) => {
    if (stoppingSince !== null) {
      // Under `npm start` one Ctrl-C arrives twice: from the terminal and relayed by npm and tsx.
      // Only a second Ctrl-C, pressed while the stop is under way, forces the exit.
      if (Date.now() - stoppingSince < DUPLICATE_SIGNAL_MS) return;
      process.stderr.write('cruscotto: forced exit\n');
      process.exit(130);
    }
    stoppingSince = Date.now();
    server.app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        server.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
