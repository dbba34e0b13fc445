import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../server/src/plugins/db/embedded.ts';
import { repoRoot } from '../../server/src/paths.ts';

const TSX = resolve(repoRoot, 'node_modules/.bin/tsx');
/** The line `npm start` prints once it serves; the address follows it. */
const READY = /Cruscotto digitale è in esecuzione su (http:\/\/\S+)/;

export interface StartedProduct {
  url: string;
  dataDir: string;
  stdout(): string;
  stderr(): string;
  /** The pid of the embedded PostgreSQL, from its own pid file (it runs in a session of its own). */
  postgresPid(): number;
  /** Ctrl-C in the terminal: SIGINT to the whole process group; resolves with the exit code. */
  interrupt(): Promise<number | null>;
  /** Whether any process of the group `npm start` led (tsx, the server) is still running. */
  processGroupAlive(): boolean;
  /** Last resort for a failed test: kills whatever is left, PostgreSQL included. */
  kill(): void;
}

export const postmasterPidFile = (dataDir: string) => join(dataDir, 'postgres', 'postmaster.pid');

/** The build step of `npm start`: rebuilds web/dist only when the SPA's sources changed. */
export function buildSpaIfChanged(): void {
  execFileSync(TSX, ['web/build/build-if-changed.ts'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * The product as `npm start` runs it after the build step (`tsx server/src/main.ts`) on an empty
 * DATA_DIR, from a terminal: its own process group, nothing in the environment but the basics.
 */
export async function startOnEmptyDataDir(timeoutMs = 120_000): Promise<StartedProduct> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cruscotto-first-start-'));
  // Run as root, the embedded PostgreSQL works as the `postgres` user, who must enter the folder.
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  const child = spawn(TSX, ['server/src/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no ready line after ${timeoutMs / 1000} s:\n${stdout}\n${stderr}`)), timeoutMs);
    child.stdout!.on('data', () => {
      const ready = READY.exec(stdout);
      if (ready) {
        clearTimeout(timer);
        done(ready[1]!);
      }
    });
    void exited.then((code) => fail(new Error(`npm start exited with ${code} before it was ready:\n${stdout}\n${stderr}`)));
  });
  const postgresPid = () => Number(readFileSync(postmasterPidFile(dataDir), 'utf8').split('\n')[0]);
  return {
    url,
    dataDir,
    stdout: () => stdout,
    stderr: () => stderr,
    postgresPid,
    async interrupt() {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGINT');
      return exited;
    },
    processGroupAlive() {
      try {
        process.kill(-child.pid!, 0);
        return true;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
    kill() {
      const signals: [number, NodeJS.Signals][] = [[-child.pid!, 'SIGKILL']];
      if (existsSync(postmasterPidFile(dataDir))) signals.push([postgresPid(), 'SIGINT']);
      for (const [pid, signal] of signals) {
        try {
          process.kill(pid, signal);
        } catch {
          // Already gone.
        }
      }
    },
  };
}
