import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { repoRoot } from '../../server/src/paths.ts';

export interface Spawned {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Runs a TypeScript entry point of the server the way `npm start` / `npm run cli` do. With
 * `ownProcessGroup` it leads a process group of its own, as a command typed in a terminal does, so
 * that `interrupt` can signal it as a Ctrl-C would.
 */
export function spawnEntry(entry: string, args: string[], env: Record<string, string>, { ownProcessGroup = false } = {}): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(repoRoot, entry), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: ownProcessGroup,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** Ctrl-C in a terminal: SIGINT to every process of the foreground group, not to one process. */
export function interrupt(spawned: Spawned): void {
  process.kill(-spawned.child.pid!, 'SIGINT');
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export { isProcessAlive as isAlive } from '../../server/src/process-alive.ts';
