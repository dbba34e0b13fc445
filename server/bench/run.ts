// npm run bench: starts the app on the embedded database and a bare Fastify baseline, then loads both;
// then starts and restarts the product as `npm start` does and audits three pages with Lighthouse.
// BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 50) tune the runs; `-- --only=start,lighthouse`
// runs some parts of load, start, lighthouse.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { formatTable, load, type LoadResult } from './load.ts';
import { createDb } from '../src/plugins/db/database.ts';
import { importComuni } from '../src/modules/comuni/comuni.import.ts';
import { importIpa } from '../src/modules/comuni/ipa.import.ts';
import { importFundingHistory } from '../src/modules/comuni/funding-history.import.ts';
import type { ImportReport } from '../src/shared/import-report.ts';
import { CONNECTORS } from '../src/modules/ingest/connectors/index.ts';
import { runIngest, type RunReport } from '../src/modules/ingest/ingest.service.ts';
import { CALL_CSV_COLUMNS } from '../src/modules/ingest/connectors/csv-template.ts';
import { reindexAll } from '../src/modules/search/search.outbox.ts';
import { createPostgresEngine } from '../src/plugins/search/postgres-engine.ts';
import { matchingScenario } from './matching.ts';
import { alertsScenario } from './alerts.ts';
import { applicationsScenario } from './applications.ts';
import { territoryScenario } from './territory.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../src/paths.ts';
import { startupScenario } from './startup.ts';
import { lighthouseScenario } from './lighthouse.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PARTS = ['load', 'start', 'lighthouse'] as const;
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

const situas = resolve(repoRoot, '../shared/data/istat/comuni_situas_2026-06-09.csv');
const ipa = resolve(repoRoot, '../shared/data/ipa/codici_ipa_comuni.csv');
const fundingHistory = resolve(repoRoot, '../shared/data/padigitale2026/candidature_comuni.csv');

async function timed(what: string, run: () => Promise<ImportReport>) {
  const started = performance.now();
  const report = await run();
  const changes = `${report.read} read, ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected.length} rejected`;
  console.log(`${what}: ${((performance.now() - started) / 1000).toFixed(2)} s (${changes})`);
}

/** Times the ISTAT import twice (the second must change nothing), then IPA codes and funding history. */
async function importScenario(databaseUrl: string): Promise<{ comuni: boolean; funding: boolean }> {
  if (!existsSync(situas)) {
    console.log(`skipped the comuni import and the matching figures: ${situas} is absent`);
    return { comuni: false, funding: false };
  }
  const db = createDb(databaseUrl);
  try {
    for (const run of ['import of all Italian comuni', 're-import of the same file']) await timed(run, () => importComuni(db, readFileSync(situas)));
    if (!existsSync(ipa) || !existsSync(fundingHistory)) {
      console.log('skipped the funding-history import and the matching figures: ../shared/data/padigitale2026 is absent');
      return { comuni: true, funding: false };
    }
    await timed('import of IPA codes', () => importIpa(db, readFileSync(ipa)));
    for (const run of ['import of the funding history (54k rows)', 're-import of the same file'])
      await timed(run, () => importFundingHistory(db, readFileSync(fundingHistory)));
    return { comuni: true, funding: true };
  } finally {
    await db.destroy();
  }
}

/** Loads the opportunities list of an RTD (bearer token) and the status endpoint, in the same run. */
async function opportunitiesScenario(url: string, token: string): Promise<LoadResult[]> {
  const status = await load('GET /api/v1/status (again, for the ratio)', `${url}/api/v1/status`, { connections, seconds });
  const opportunities = await load('GET /api/v1/comuni/019035/opportunities (RTD)', `${url}/api/v1/comuni/019035/opportunities`, {
    connections,
    seconds,
    headers: { authorization: `Bearer ${token}` },
  });
  console.log(`opportunities / status throughput ratio in the same run: ${(opportunities.requestsPerSecond / status.requestsPerSecond).toFixed(2)}`);
  return [status, opportunities];
}

/** 10,000 calls in the CSV template, as an editor or a partner would prepare them. */
function callsCsv(count: number): string {
  const themes = ['piattaforme.pagopa', 'infrastrutture.cloud', 'sicurezza', 'servizi', 'governance.formazione'];
  const topics = [
    'digitalizzazione degli archivi',
    'cybersicurezza',
    'biblioteche in rete',
    'mobilità sostenibile',
    'turismo digitale',
    'scuole connesse',
    'sportello telematico',
    'pagamenti pagoPA',
    'migrazione in cloud',
    'open data',
    'formazione del personale',
    'videosorveglianza',
    'illuminazione intelligente',
    'catasto digitale',
    'servizi sociali online',
    'protezione civile',
    'cultura e musei',
    'sport e impianti',
    'agricoltura di montagna',
    'commercio di vicinato',
  ];
  const rows = Array.from({ length: count }, (_, i) =>
    [
      `BENCH-${i}`,
      `Bando ${Math.floor(i / topics.length) + 1}: ${topics[i % topics.length]}`,
      'Contributi ai comuni',
      'Fondazione di prova',
      'fondazione',
      '',
      themes[i % themes.length],
      'comune,unione',
      '',
      String(5000 + (i % 10) * 1000),
      '03',
      '',
      'ammessa',
      'graduatoria',
      '01/12/2026',
      '28/02/2027',
      '1000000',
      '10000-50000',
      '',
    ].join(';'),
  );
  return [CALL_CSV_COLUMNS.join(';'), ...rows].join('\n') + '\n';
}

async function callsScenario(databaseUrl: string) {
  const db = createDb(databaseUrl, { max: 10 });
  const clock = { now: new Date(), soonDays: 14 };
  const timedRun = async (what: string, run: () => Promise<RunReport>) => {
    const started = performance.now();
    const r = await run();
    console.log(
      `${what}: ${((performance.now() - started) / 1000).toFixed(2)} s (${r.seen} seen, ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.failed} failed)`,
    );
  };
  try {
    const file = join(mkdtempSync(join(tmpdir(), 'cruscotto-bench-calls-')), 'bandi.csv');
    writeFileSync(file, callsCsv(10_000));
    for (const run of ['CSV import of 10,000 calls', 're-import of the same file'])
      await timedRun(run, () => runIngest(db, clock, { connector: CONNECTORS.csv!, location: file, payload: readFileSync(file), trusted: true }));
    const avvisi = resolve(repoRoot, '../shared/data/padigitale2026/avvisi.csv');
    const bandi = resolve(repoRoot, '../shared/data/italiadomani/bandi_e_avvisi_2023-04.csv');
    if (existsSync(avvisi) && existsSync(bandi)) {
      const started = performance.now();
      await timedRun('  PA digitale 2026 avvisi', () =>
        runIngest(db, clock, { connector: CONNECTORS.padigitale2026!, location: avvisi, payload: readFileSync(avvisi), trusted: true }),
      );
      await timedRun('  Italia Domani bandi e avvisi', () =>
        runIngest(db, clock, { connector: CONNECTORS.italiadomani!, location: bandi, payload: readFileSync(bandi), trusted: false }),
      );
      console.log(`ingest of the real PA digitale 2026 and Italia Domani files: ${((performance.now() - started) / 1000).toFixed(2)} s`);
    } else console.log('skipped the real calls files: ../shared/data is absent');
    const engine = createPostgresEngine(db);
    const reindex = await reindexAll(db, engine);
    console.log(`full search reindex (postgres engine): ${reindex.seconds.toFixed(2)} s for ${reindex.documents} calls`);
    console.log('Meilisearch figures: skipped, MEILISEARCH_URL is not set');
  } finally {
    await db.destroy();
  }
}

async function serve(script: string): Promise<{ child: ChildProcess; info: { url: string; databaseUrl?: string } }> {
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
    if (imported.funding) results.push(...(await opportunitiesScenario(app.info.url, await matchingScenario(app.info.databaseUrl!))));
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
    const [baseline, ...others] = results as [LoadResult, ...LoadResult[]];
    console.log('');
    for (const result of others)
      console.log(`${result.name} / baseline throughput ratio: ${(result.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)}`);
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

if (runs('load')) await loadScenarios();
if (runs('start') || runs('lighthouse')) {
  if (runs('load')) console.log('');
  await productScenarios();
}
