// Start and restart figures: the product started as `npm start` starts it, on an empty DATA_DIR (migrations,
// demo data), timed until /api/v1/ready answers 200; stopped with Ctrl-C (SIGINT to its process group, as a
// terminal sends it), then started again on the same folder. Issue targets: first start < 60 s, restart < 15 s.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../src/paths.ts';

/** The command of package.json "start", run by the shell as npm runs it. */
const START = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
const UP_TO_DATE = 'web: the built SPA is up to date';

export interface RunningProduct {
  url: string;
  dataDir: string;
  /** Seconds from spawn to the first 200 of /api/v1/ready. */
  seconds: number;
  spaRebuilt: boolean;
  /** Ctrl-C; resolves with the seconds it took to exit and how it exited. */
  stop(): Promise<{ seconds: number; exit: string; forced: boolean }>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function waitReady(url: string, child: ChildProcess, output: () => string, limitSeconds = 300): Promise<void> {
  const deadline = performance.now() + limitSeconds * 1000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the product exited with ${child.exitCode} before it was ready:\n${output()}`);
    const ok = await fetch(`${url}/api/v1/ready`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`the product was not ready after ${limitSeconds} s:\n${output()}`);
}

/** The shell may end before the server it ran: the stop is over when no process of the group is left. */
async function groupGone(pgid: number, limitSeconds = 30): Promise<void> {
  const deadline = performance.now() + limitSeconds * 1000;
  while (performance.now() < deadline) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`processes of the product were still running ${limitSeconds} s after Ctrl-C`);
}

/** Starts the product on dataDir and port and waits until it is ready. */
export async function startProduct(dataDir: string, port: number): Promise<RunningProduct> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    PATH: `${join(repoRoot, 'node_modules/.bin')}:${process.env.PATH}`,
  };
  // Whatever the shell running the bench points at, this is the embedded-database product of the README.
  for (const name of ['DATABASE_URL', 'MEILISEARCH_URL', 'MEILISEARCH_API_KEY', 'SMTP_URL', 'PUBLIC_BASE_URL', 'OIDC_ISSUER']) delete env[name];
  const started = performance.now();
  const child = spawn('sh', ['-c', START], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let forced = false;
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
    forced ||= chunk.includes('forced exit');
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child, () => output);
  const seconds = (performance.now() - started) / 1000;
  return {
    url,
    dataDir,
    seconds,
    spaRebuilt: !output.includes(UP_TO_DATE),
    async stop() {
      const stopping = performance.now();
      let exit = `code ${child.exitCode}`;
      if (child.exitCode === null) {
        const exited = new Promise<[number | null, string | null]>((done) => child.once('exit', (code, signal) => done([code, signal])));
        process.kill(-child.pid!, 'SIGINT');
        const [code, signal] = await exited;
        exit = code === null ? `signal ${signal}` : `code ${code}`;
      }
      await groupGone(child.pid!);
      // tsx relays the signal to the server after 30 ms unless the server acknowledged it first; on a busy
      // machine the server sees a second Ctrl-C and exits at once ("forced exit") instead of closing.
      return { seconds: (performance.now() - stopping) / 1000, exit, forced };
    },
  };
}

const target = (seconds: number, limit: number) => `${seconds.toFixed(1)} s (target < ${limit} s${seconds < limit ? '' : ', MISSED'})`;

/**
 * Prints the first start and, with restart, the restart; returns the product still running (for
 * Lighthouse) and a cleanup that stops it and removes its data folder.
 */
export async function startupScenario(options: { restart: boolean }): Promise<{ product: RunningProduct; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cruscotto-bench-start-'));
  // As serve-app.ts: run as root, the embedded PostgreSQL works as another user, who must enter the folder.
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  const cleanup = async (product?: RunningProduct) => {
    await product?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let product: RunningProduct | undefined;
  try {
    product = await startProduct(dataDir, port);
    console.log(
      `first start on an empty DATA_DIR (migrations, demo data) until /api/v1/ready answers 200: ${target(product.seconds, 60)}, SPA ${product.spaRebuilt ? 'rebuilt' : 'not rebuilt (up to date)'}`,
    );
    if (options.restart) {
      const stopped = await product.stop();
      console.log(
        `stop with Ctrl-C (SIGINT to the process group, as a terminal sends it): ${stopped.seconds.toFixed(1)} s, the shell of npm start ended by ${stopped.exit}${stopped.forced ? ', "forced exit": the server saw the signal twice and did not close gracefully' : ''}`,
      );
      product = await startProduct(dataDir, port);
      console.log(`restart on the same DATA_DIR: ${target(product.seconds, 15)}, SPA ${product.spaRebuilt ? 'rebuilt' : 'not rebuilt (up to date)'}`);
    }
    const running = product;
    return { product: running, cleanup: () => cleanup(running) };
  } catch (error) {
    await cleanup(product);
    throw error;
  }
}
