import { freePort } from '../../server/src/plugins/db/embedded.ts';
import { spawnEntry, type Spawned } from './processes.ts';

/** The line a web process prints once it serves; the line a worker prints once its jobs run. */
const WEB_READY = /Cruscotto digitale è in esecuzione su (http:\/\/\S+)/;
const WORKER_READY = /job workers running/;

export interface AppProcess {
  role: 'web' | 'worker';
  spawned: Spawned;
  pid: number;
  /** Where a web process serves; empty for a worker. */
  url: string;
  /** SIGTERM (a graceful stop) unless it already ended; resolves once it has. */
  stop(): Promise<void>;
}

async function started(spawned: Spawned, ready: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void spawned.exited.then(() => (exited = true));
  for (;;) {
    const match = ready.exec(spawned.output());
    if (match) return match;
    if (exited || Date.now() > deadline) throw new Error(`process not ready (${exited ? 'exited' : 'timed out'}):\n${spawned.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function running(role: AppProcess['role'], spawned: Spawned, url: string): AppProcess {
  return {
    role,
    spawned,
    pid: spawned.child.pid!,
    url,
    async stop() {
      if (spawned.child.exitCode === null && spawned.child.signalCode === null) spawned.child.kill('SIGTERM');
      await spawned.exited;
    },
  };
}

/** `npm start` with RUN_WORKERS=false, as the compose file's `app` service: HTTP only. */
export async function startWebProcess(env: Record<string, string>, timeoutMs = 180_000): Promise<AppProcess> {
  const port = await freePort();
  const spawned = spawnEntry('server/src/main.ts', [], { ...env, RUN_WORKERS: 'false', PORT: String(port), HOST: '127.0.0.1' });
  const [, url] = await started(spawned, WEB_READY, timeoutMs);
  return running('web', spawned, url!);
}

/** `npm run worker`, as the compose file's `worker` service: the jobs only. */
export async function startWorkerProcess(env: Record<string, string>, timeoutMs = 180_000): Promise<AppProcess> {
  const spawned = spawnEntry('server/src/worker.ts', [], env);
  await started(spawned, WORKER_READY, timeoutMs);
  return running('worker', spawned, '');
}
