import { ConfigError, loadConfig, type Config } from './plugins/config.ts';
import { DataDirInUseError } from './data-dir-lock.ts';
import { banner, startServer, type RunningServer } from './runtime.ts';

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

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      process.stderr.write('cruscotto: forced exit\n');
      process.exit(130);
    }
    stopping = true;
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
