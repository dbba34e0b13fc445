import { ConfigError, loadConfig, type Config } from './plugins/config.ts';
import { DataDirInUseError } from './data-dir-lock.ts';
import { banner, startServer, type RunningServer } from './runtime.ts';
import { fail, stopOnSignals } from './shutdown.ts';

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
  stopOnSignals(server.app, () => server.stop());
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
