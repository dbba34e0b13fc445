// Applications figures: the board of an associated RTD office serving 40 comuni with 30 applications
// each, under load with the office coordinator's session; then the national funding-history import timed
// with and without moving the comuni's applications forward.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { propagateFundingImports } from '../src/modules/applications/index.ts';
import { createUser } from '../src/modules/auth/users.service.ts';
import { importFundingHistory } from '../src/modules/comuni/index.ts';
import { createDb } from '../src/plugins/db/database.ts';
import type { Database } from '../src/plugins/db/schema.ts';
import { repoRoot } from '../src/paths.ts';
import { formatTable, load } from './load.ts';

const COMUNI = 40;
const APPLICATIONS_PER_COMUNE = 30;
const CONNECTIONS = 20;
const PASSWORD = 'bench-password-ufficio-2026';
const OFFICE_RTD = 'rtd.ufficio@applications.bench.example.it';
const fundingHistory = resolve(repoRoot, '../shared/data/padigitale2026/candidature_comuni.csv');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);

/**
 * The office: the Lombard comuni with the most funded applications, each with an application to 30
 * published calls across every status, with their steps and milestones, the submitted ones carrying
 * the CUPs the national file lists for them (so the import has real work to do).
 */
async function createOffice(db: Kysely<Database>): Promise<string[]> {
  const comuni = (
    await sql<{ istat: string }>`
      select f.comune_istat as istat from funding_awards f join comuni c on c.istat = f.comune_istat
       where c.region_code = '03' and f.cup is not null
       group by f.comune_istat order by count(*) desc, f.comune_istat limit ${COMUNI}`.execute(db)
  ).rows.map((r) => r.istat);
  const calls = await db
    .selectFrom('calls')
    .select('id')
    .where('editorial_status', '=', 'published')
    .where('measure_code', 'is', null)
    .orderBy('title')
    .limit(APPLICATIONS_PER_COMUNE)
    .execute();
  if (comuni.length < COMUNI || calls.length < APPLICATIONS_PER_COMUNE)
    throw new Error('the applications bench needs the comuni, the funding history and the calls');
  await db.transaction().execute(async (trx) => {
    const office = await trx
      .insertInto('aggregations')
      .values({ name: 'Ufficio RTD associato di prova', kind: 'ufficio_rtd_associato' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('aggregation_members')
      .values(comuni.map((istat) => ({ aggregation_id: office.id, comune_istat: istat, joined_on: '2021-01-01' })))
      .execute();
    await createUser(trx, null, { email: OFFICE_RTD, name: 'Ufficio di prova', role: 'rtd', password: PASSWORD, aggregations: [office.id] });
    await sql`
      insert into applications (comune_istat, call_id, status, reason)
      select co.istat, ca.id, s.status, case s.status when 'non_pertinente' then 'non_prioritario' end
        from unnest(${comuni}::char(6)[]) with ordinality co(istat, i)
        cross join unnest(${calls.map((c) => c.id)}::uuid[]) with ordinality ca(id, k)
        cross join lateral (select (array['interessato', 'in_preparazione', 'presentata', 'presentata', 'finanziata', 'non_pertinente'])[1 + (co.i + ca.k) % 6] as status) s
    `.execute(trx);
    await sql`
      insert into application_steps (application_id, phase, title, due_on, position)
      select a.id, p.phase, 'Passo ' || g, current_date + (g * 9 - 20 + (hashtext(a.id::text) & 7)), g
        from applications a
        cross join lateral (select case when a.status = 'finanziata' then 'attuazione' else 'preparazione' end as phase) p
        cross join generate_series(1, 5) g
       where a.comune_istat = any(${comuni}::char(6)[])
       order by a.id, g
    `.execute(trx);
    await sql`
      with awards as (
        select comune_istat, cup, row_number() over (partition by comune_istat order by cup) as n
          from (select distinct comune_istat, cup from funding_awards where cup is not null and comune_istat = any(${comuni}::char(6)[])) d
      ), submitted as (
        select id, comune_istat, row_number() over (partition by comune_istat order by id) as n from applications where status = 'presentata'
      )
      update applications a set cup = aw.cup from submitted s join awards aw on aw.comune_istat = s.comune_istat and aw.n = s.n where a.id = s.id
    `.execute(trx);
  });
  // What autovacuum would do over the next minutes, done now so it does not weigh on the figures.
  await sql`vacuum analyze applications`.execute(db);
  await sql`vacuum analyze application_steps`.execute(db);
  return comuni;
}

/** The coordinator's session cookie, signed in as the SPA does. */
async function signIn(url: string): Promise<string> {
  const csrf = await fetch(`${url}/api/v1/auth/csrf`);
  const before = csrf.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { token } = (await csrf.json()) as { token: string };
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie: before },
    body: JSON.stringify({ email: OFFICE_RTD, password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`the office coordinator could not sign in: ${login.status} ${await login.text()}`);
  return login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

async function boardUnderLoad(url: string, cookie: string) {
  const board = `${url}/api/v1/applications/board?limit=100`;
  const first = await fetch(board, { headers: { cookie } });
  const { total } = (await first.json()) as { total: number };
  if (first.status !== 200 || total !== COMUNI * APPLICATIONS_PER_COMUNE)
    throw new Error(`the office board answered ${first.status} with ${total} applications`);
  // The same load on the status endpoint first: on a shared machine the ratio says more than the milliseconds.
  const status = await load(`GET /api/v1/status (${CONNECTIONS} conns, for the ratio)`, `${url}/api/v1/status`, { connections: CONNECTIONS, seconds });
  const result = await load(`GET /api/v1/applications/board?limit=100 (office, ${COMUNI} comuni x ${APPLICATIONS_PER_COMUNE})`, board, {
    connections: CONNECTIONS,
    seconds,
    headers: { cookie },
  });
  console.log(formatTable([status, result]));
  console.log(
    `office board: ${result.requestsPerSecond} req/s, p95 ${result.p95.toFixed(2)} ms at ${CONNECTIONS} connections (target: p95 under 50 ms); throughput ${(result.requestsPerSecond / status.requestsPerSecond).toFixed(2)} of the status endpoint's in the same run`,
  );
}

/** Puts the office's submitted applications back where the import finds them, so every run moves them. */
async function resetSubmitted(db: Kysely<Database>, comuni: string[]) {
  await sql`delete from application_steps s using applications a
             where s.application_id = a.id and a.status_source = 'importazione' and s.phase = 'attuazione' and a.comune_istat = any(${comuni}::char(6)[])`.execute(
    db,
  );
  await sql`update applications set status = 'presentata', status_source = 'manuale', funding_award_id = null
             where status_source = 'importazione' and comune_istat = any(${comuni}::char(6)[])`.execute(db);
}

async function timedImport(db: Kysely<Database>, bytes: Uint8Array, propagate: boolean) {
  const started = performance.now();
  await importFundingHistory(db, bytes, { fileName: 'candidature_comuni.csv', propagate });
  return (performance.now() - started) / 1000;
}

/** The national file imported again (as each new snapshot is), alternately without and with propagation; the best of two each. */
async function importWithPropagation(db: Kysely<Database>, comuni: string[]) {
  propagateFundingImports({ publicBaseUrl: 'https://cruscotto.example.it', secret: 'bench-secret-bench-secret-bench-secret-0000' }, () => new Date());
  const bytes = readFileSync(fundingHistory);
  const without: number[] = [];
  const withPropagation: number[] = [];
  let moved = 0;
  for (let round = 0; round < 2; round++) {
    without.push(await timedImport(db, bytes, false));
    await resetSubmitted(db, comuni);
    withPropagation.push(await timedImport(db, bytes, true));
    moved = Number(
      (
        await sql<{
          n: number;
        }>`select count(*) as n from applications where status_source = 'importazione' and comune_istat = any(${comuni}::char(6)[])`.execute(db)
      ).rows[0]!.n,
    );
  }
  const [a, b] = [Math.min(...without), Math.min(...withPropagation)];
  console.log(
    `funding-history import of the national file: ${a.toFixed(2)} s without status propagation, ${b.toFixed(2)} s with it (${moved} applications moved forward); ratio ${(b / a).toFixed(2)} (target: under 2)`,
  );
}

export async function applicationsScenario(databaseUrl: string, url: string): Promise<void> {
  const db = createDb(databaseUrl, { max: 10 });
  try {
    const comuni = await createOffice(db);
    await boardUnderLoad(url, await signIn(url));
    await importWithPropagation(db, comuni);
  } finally {
    await db.destroy();
  }
}
