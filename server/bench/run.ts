// npm run bench: starts the app on the embedded database and a bare Fastify baseline, then loads both;
// then starts and restarts the product as `npm start` does and audits three pages with Lighthouse.
// BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 50) tune the runs; `-- --only=start,lighthouse`
// runs some parts of load, matching, start, lighthouse (`matching`: the national data and the matching
// figures alone, which `load` includes).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, load, type LoadResult } from './load.ts';
import { callsScenario, importScenario } from './dataset.ts';
import { createPeople } from './people.ts';
import { dayInTheLife, formatDay, type EndpointFigures } from './day-in-the-life.ts';
import { matchingScenario } from './matching.ts';
import { alertsScenario } from './alerts.ts';
import { applicationsScenario } from './applications.ts';
import { territoryScenario } from './territory.ts';
import { startupScenario } from './startup.ts';
import { lighthouseScenario } from './lighthouse.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PARTS = ['load', 'matching', 'start', 'lighthouse'] as const;
type Part = (typeof PARTS)[number];
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const unknown = only?.filter((p) => !(PARTS as readonly string[]).includes(p)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown bench part: ${unknown.join(', ')} (parts: ${PARTS.join(', ')})`);
  process.exit(1);
}
const runs = (part: Part) => !only || only.includes(part);

/**
 * The RTD's pages under load (bearer token for Crema): the opportunities list, one opportunity's
 * checklist and the programming list (eight interventions added through the API first), each beside
 * /status measured in the same run.
 */
async function rtdPagesScenario(url: string, token: string): Promise<LoadResult[]> {
  const headers = { authorization: `Bearer ${token}` };
  for (let n = 1; n <= 8; n++) {
    const body = { title: `Intervento ${n} del piano triennale`, themes: ['sicurezza'], startYear: 2026, endYear: 2028, estimatedCost: 10_000 * n };
    const created = await fetch(`${url}/api/v1/comuni/019035/programming`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (created.status !== 201) throw new Error(`adding an intervention failed: ${created.status} ${await created.text()}`);
  }
  const list = (await (await fetch(`${url}/api/v1/comuni/019035/opportunities?limit=1`, { headers })).json()) as { items: { call: { id: string } }[] };
  const callId = list.items[0]!.call.id;
  const status = await load('GET /api/v1/status (again, for the ratios)', `${url}/api/v1/status`, { connections, seconds });
  const pages = [
    await load('GET /api/v1/comuni/019035/opportunities (RTD)', `${url}/api/v1/comuni/019035/opportunities`, { connections, seconds, headers }),
    await load('GET /api/v1/comuni/019035/opportunities/{callId} (checklist)', `${url}/api/v1/comuni/019035/opportunities/${callId}`, {
      connections,
      seconds,
      headers,
    }),
    await load('GET /api/v1/comuni/019035/programming (8 items)', `${url}/api/v1/comuni/019035/programming`, { connections, seconds, headers }),
  ];
  for (const page of pages)
    console.log(`${page.name} / status throughput ratio in the same run: ${(page.requestsPerSecond / status.requestsPerSecond).toFixed(2)}`);
  return [status, ...pages];
}

/** The web process's V8 flags, as `npm start` and the Dockerfile pass them (docs/SCALING.md, "Garbage collection"). */
const WEB_FLAGS = ['--max-semi-space-size=64'];

async function serve(script: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; info: { url: string; databaseUrl?: string } }> {
  const flags = script === 'serve-app.ts' ? WEB_FLAGS : [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', resolve(here, script)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
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

/**
 * A day in the life: 2,000 people added to the bench's data, a second app process configured as
 * production (rate limiter on, behind a proxy). The crowd first warms the process for a third of
 * BENCH_DAY_SECONDS (its caches fill, as in the first minutes after a start; printed apart), then 100
 * users for BENCH_DAY_SECONDS (default 60); then larger crowds (smaller ones if 100 miss the target)
 * for a third of that time each, to find the largest crowd held at p99 under 200 ms.
 */
async function dayScenario(databaseUrl: string) {
  const daySeconds = Number(process.env.BENCH_DAY_SECONDS ?? 60);
  const shortSeconds = Math.ceil(daySeconds / 3);
  const people = await createPeople(databaseUrl);
  const app = await serve('serve-app.ts', { BENCH_DATABASE_URL: databaseUrl, BENCH_AS_PRODUCTION: '1' });
  const think: [number, number] = [500, 1500];
  const crowdOf = (users: number, seconds: number) => dayInTheLife(app.info.url, databaseUrl, people, { users, seconds, thinkMs: think });
  const summary = (label: string, rows: EndpointFigures[], seconds: number) => {
    const total = rows.at(-1)!;
    const slowest = rows.slice(0, -1).reduce((a, b) => (b.p99 > a.p99 ? b : a));
    console.log(
      `${label}: ${(total.requests / seconds).toFixed(0)} req/s, p50 ${total.p50.toFixed(1)} ms, p99 ${total.p99.toFixed(1)} ms, ${total.errors} errors; slowest p99: ${slowest.endpoint} ${slowest.p99.toFixed(1)} ms`,
    );
    return total.p99 <= 200 && total.errors === 0;
  };
  try {
    console.log(`\nday in the life: 100 users (40 % anonymous, 40 % RTDs, 10 % editors, 10 % viewers, 2 % writes), think time 0.5–1.5 s`);
    summary(`warm-up, the first ${shortSeconds} s after the start`, await crowdOf(100, shortSeconds), shortSeconds);
    console.log(`then ${daySeconds} s:`);
    const day = await crowdOf(100, daySeconds);
    console.log(formatDay(day, daySeconds));
    const held = summary('100 users', day, daySeconds);
    for (const users of held ? [200, 400, 800] : [75, 50, 25]) {
      const holds = summary(`${users} users`, await crowdOf(users, shortSeconds), shortSeconds);
      if (holds !== held) break;
    }
  } finally {
    await stop(app.child);
  }
}

async function loadScenarios() {
  const hello = await serve('serve-hello.ts');
  const app = await serve('serve-app.ts');
  try {
    console.log(`load: ${connections} connections, ${seconds} s per scenario, loopback\n`);
    const results: LoadResult[] = [];
    results.push(await load('fastify hello-world (baseline)', hello.info.url + '/', { connections, seconds }));
    results.push(await load('GET /api/v1/status', app.info.url + '/api/v1/status', { connections, seconds }));
    // Comuni and matching first, on a catalogue of exactly the 1,000 open calls the matching target speaks of.
    const imported = await importScenario(app.info.databaseUrl!);
    if (imported.funding) results.push(...(await rtdPagesScenario(app.info.url, await matchingScenario(app.info.databaseUrl!))));
    if (imported.comuni) await alertsScenario(app.info.databaseUrl!);
    // On the calls the matching scenario published and the national funding history.
    if (imported.funding) await applicationsScenario(app.info.databaseUrl!, app.info.url);
    if (imported.funding) results.push(...(await territoryScenario(app.info.databaseUrl!, app.info.url)));
    await callsScenario(app.info.databaseUrl!);
    results.push(await load('GET /api/v1/calls?status=aperto', app.info.url + '/api/v1/calls?status=aperto', { connections, seconds }));
    const facets = 'facets=status&facets=programme&facets=themes&facets=amount&facets=deadline';
    // Repeated queries are answered from memory until the index changes; the "distinct" runs never
    // repeat one (a word and a page each time), so every answer is computed by the engine.
    results.push(await load('search "archivi" + 5 facets (20 conns)', `${app.info.url}/api/v1/calls/search?q=archivi&${facets}`, { connections: 20, seconds }));
    results.push(
      await load('search no words, status filter + 5 facets (20 conns)', `${app.info.url}/api/v1/calls/search?status=aperto&${facets}`, {
        connections: 20,
        seconds,
      }),
    );
    results.push(
      await load('search "cloud", theme filter + facets (20 conns)', `${app.info.url}/api/v1/calls/search?q=cloud&theme=infrastrutture&${facets}`, {
        connections: 20,
        seconds,
      }),
    );
    const words = [
      'archivi',
      'cybersicurezza',
      'biblioteche',
      'mobilita',
      'turismo',
      'scuole',
      'sportello',
      'pagamenti',
      'cloud',
      'open data',
      'formazione',
      'videosorveglianza',
      'illuminazione',
      'catasto',
      'sociali',
      'protezione civile',
      'musei',
      'impianti sportivi',
      'agricoltura',
      'commercio',
    ];
    let n = 0;
    const distinct = () => `/api/v1/calls/search?q=${encodeURIComponent(words[n % words.length]!)}&offset=${Math.floor(n++ / words.length) % 500}&${facets}`;
    results.push(await load('search distinct queries + 5 facets, uncached (20 conns)', app.info.url, { connections: 20, seconds, paths: distinct }));
    if (imported.comuni) {
      results.push(await load('GET /api/v1/comuni/019035', app.info.url + '/api/v1/comuni/019035', { connections, seconds }));
      results.push(await load('GET /api/v1/comuni?q=ber&region=03', app.info.url + '/api/v1/comuni?q=ber&region=03', { connections, seconds }));
    }
    console.log('');
    console.log(formatTable(results));
    const [baseline, status] = results as [LoadResult, LoadResult];
    console.log('');
    for (const result of results.slice(1))
      console.log(
        `${result.name}: ${(result.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)} of the baseline, ${(result.requestsPerSecond / status.requestsPerSecond).toFixed(2)} of /status`,
      );
    if (imported.comuni) await dayScenario(app.info.databaseUrl!);
  } finally {
    await stop(app.child);
    await stop(hello.child);
  }
}

/** First start, restart, then Lighthouse on the restarted product (with --only=lighthouse, on a first start). */
async function productScenarios() {
  const { product, cleanup } = await startupScenario({ restart: runs('start') });
  try {
    if (runs('lighthouse')) {
      console.log('');
      await lighthouseScenario(product.url);
    }
  } finally {
    await cleanup();
  }
}

/** The national data, then the matching figures, beside an app process that listens to every change as in `load`. */
async function matchingOnly() {
  const app = await serve('serve-app.ts');
  try {
    const imported = await importScenario(app.info.databaseUrl!);
    if (imported.funding) await matchingScenario(app.info.databaseUrl!);
  } finally {
    await stop(app.child);
  }
}

if (runs('load')) await loadScenarios();
else if (runs('matching')) await matchingOnly();
if (runs('start') || runs('lighthouse')) {
  if (runs('load') || runs('matching')) console.log('');
  await productScenarios();
}
