import { ConfigError, loadConfig, type Config } from './plugins/config.ts';
import { startWorker } from './runtime.ts';
import { fail, stopOnSignals } from './shutdown.ts';

/** `npm run worker`: the background jobs only, beside web processes started with RUN_WORKERS=false. */
async function main() {
  let config: Readonly<Config>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(`configuration error: ${error.message}`);
    throw error;
  }
  const worker = await startWorker(config);
  process.stdout.write(`Cruscotto digitale: job workers running (pid ${process.pid}). Ctrl-C to stop.\n`);
  stopOnSignals(worker.app, () => worker.stop());
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
