// npm run bench: starts the app on the embedded database and a bare Fastify baseline, then loads both.
// BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 50) tune the runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, load, type LoadResult } from './load.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function serve(script: string): Promise<{ child: ChildProcess; info: { url: string } }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(here, script)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout! }).once('line', done);
    child.once('exit', (code) => fail(new Error(`${script} exited with ${code}`)));
  });
  return { child, info: JSON.parse(first) };
}

async function stop(child: ChildProcess) {
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

const hello = await serve('serve-hello.ts');
const app = await serve('serve-app.ts');
try {
  console.log(`load: ${connections} connections, ${seconds} s per scenario, loopback\n`);
  const results: LoadResult[] = [];
  results.push(await load('fastify hello-world (baseline)', hello.info.url + '/', { connections, seconds }));
  results.push(await load('GET /api/v1/status', app.info.url + '/api/v1/status', { connections, seconds }));
  console.log(formatTable(results));
  const [baseline, status] = results as [LoadResult, LoadResult];
  console.log(`\nstatus / baseline throughput ratio: ${(status.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)}`);
} finally {
  await stop(app.child);
  await stop(hello.child);
}
