// Territory figures (issue 22): what the "Territorio" page of a Regione viewer asks the API for, on all
// Lombard comuni, the national funding history and 1,000 open calls, under load at 20 connections; and
// the bytes of the map's data (per-comune figures and boundaries) as the server sends them gzipped.
import { request } from 'node:http';
import { sql } from 'kysely';
import { createApiToken } from '../src/modules/auth/users.service.ts';
import { createDb } from '../src/plugins/db/database.ts';
import { load, type LoadResult } from './load.ts';

const CONNECTIONS = 20;
const TARGETS = { p95Ms: 50, mapDataBytes: 100 * 1024 };
/** A programme well under way: four planned interventions per comune, on themes with and without calls. */
const PLANNED_THEMES = ['piattaforme.pagopa', 'infrastrutture.cloud', 'sicurezza', 'governance.formazione', 'accessibilita', 'dati.open-data'];

/** Every Lombard comune plans four interventions; half of them still wait for funding. */
async function planInterventions(databaseUrl: string): Promise<number> {
  const db = createDb(databaseUrl);
  try {
    const { rows } = await sql<{ id: string }>`
      insert into programming_items (comune_istat, code, title, start_year, end_year, estimated_cost, priority, status, funding_status)
      select c.istat, 'BENCH-' || i, 'Intervento ' || i, 2026, 2027, 10000 + (i * 7919 + c.istat::int) % 90000, 'medium',
             case when i % 4 = 0 then 'in_progress' else 'planned' end, case when i % 2 = 0 then 'unfunded' else 'funded' end
        from comuni c cross join generate_series(0, 3) i
       where c.region_code = '03' and c.valid_to is null
      returning id`.execute(db);
    await sql`
      insert into programming_item_themes (item_id, theme_code)
      select p.id, (${PLANNED_THEMES}::text[])[1 + (substring(p.code from 7)::int + p.comune_istat::int) % ${PLANNED_THEMES.length}]
        from programming_items p where p.code like 'BENCH-%'`.execute(db);
    await sql`analyze programming_items`.execute(db);
    await sql`analyze programming_item_themes`.execute(db);
    return rows.length;
  } finally {
    await db.destroy();
  }
}

async function viewerToken(databaseUrl: string): Promise<string> {
  const db = createDb(databaseUrl);
  try {
    const { secret } = await db.transaction().execute((trx) => createApiToken(trx, null, { name: 'bench territory', role: 'viewer', comuni: [] }));
    return secret;
  } finally {
    await db.destroy();
  }
}

/** The bytes on the wire of one answer, as a client that accepts only gzip receives it. */
function wireBytes(url: string, token: string): Promise<{ bytes: number; encoding: string; status: number }> {
  return new Promise((done, fail) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => done({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity'), status: res.statusCode ?? 0 }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Plans interventions, then loads every endpoint of the territory page as a Regione viewer. */
export async function territoryScenario(databaseUrl: string, url: string): Promise<LoadResult[]> {
  const planned = await planInterventions(databaseUrl);
  const token = await viewerToken(databaseUrl);
  console.log(`territory: ${planned} planned interventions on the Lombard comuni, ${CONNECTIONS} connections, viewer token`);

  const sizes = [
    ['per-comune figures (/territory/comuni)', '/api/v1/territory/comuni'],
    ['map outlines (/territory/outlines)', '/api/v1/territory/outlines'],
    ['comuni boundaries, TopoJSON (/territory/boundaries)', '/api/v1/territory/boundaries'],
  ] as const;
  for (const [what, path] of sizes) {
    const { bytes, encoding, status } = await wireBytes(`${url}${path}`, token);
    if (status !== 200) throw new Error(`${path} answered ${status}`);
    if (encoding !== 'gzip') throw new Error(`${path} was sent as ${encoding}, not gzip`);
    const missed = bytes < TARGETS.mapDataBytes ? '' : ', MISSED';
    console.log(`map data, ${what}: ${kb(bytes)} gzipped as sent (target < ${kb(TARGETS.mapDataBytes)}${missed})`);
  }

  const headers = { authorization: `Bearer ${token}` };
  const endpoints = [
    '/api/v1/auth/session',
    '/api/v1/territory/comuni',
    '/api/v1/territory/outlines',
    '/api/v1/territory/funds',
    '/api/v1/territory/funds?province=BG',
    '/api/v1/analytics/needs',
    '/api/v1/analytics/needs?province=BG',
  ];
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const baseline = await load('GET /api/v1/status (20 conns, baseline of the territory figures)', `${url}/api/v1/status`, {
    connections: CONNECTIONS,
    seconds,
  });
  const results: LoadResult[] = [baseline];
  for (const path of endpoints) {
    // The first reader after a change (or a minute) waits for the computation; the load measures the rest.
    const started = performance.now();
    const first = await fetch(`${url}${path}`, { headers, signal: AbortSignal.timeout(120_000) });
    await first.arrayBuffer();
    console.log(`GET ${path}: first answer (computed, nothing in memory) ${first.status} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    // What a browser sends: the answers are compressed as the page receives them.
    const result = await load(`GET ${path} (viewer, 20 conns)`, `${url}${path}`, {
      connections: CONNECTIONS,
      seconds,
      headers: { ...headers, 'accept-encoding': 'gzip, deflate, br' },
    });
    const met = result.requests > 0 && result.p95 < TARGETS.p95Ms && result.non2xx === 0 && result.errors === 0;
    const ratio = (result.requestsPerSecond / baseline.requestsPerSecond).toFixed(2);
    console.log(
      `${result.name}: p95 ${result.p95.toFixed(1)} ms (target < ${TARGETS.p95Ms} ms${met ? '' : ', MISSED'}), ${result.requestsPerSecond} req/s, ${ratio} of the status baseline`,
    );
    results.push(result);
  }
  return results;
}
