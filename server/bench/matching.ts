// Matching figures: a full rematch of every comune against 1,000 open calls, one newly published call
// matched and stored, and the authenticated opportunities list under load.
import type { CallInput } from '../src/modules/calls/calls.schemas.ts';
import type { Connector } from '../src/modules/ingest/ingest.connector.ts';
import { runIngest } from '../src/modules/ingest/ingest.service.ts';
import { createApiToken } from '../src/modules/auth/users.service.ts';
import { matchCall, rematchAll } from '../src/modules/matching/matching.service.ts';
import { createDb } from '../src/plugins/db/database.ts';
import { sql } from 'kysely';

const DAY = 86_400_000;
const THEMES = ['piattaforme.pagopa', 'infrastrutture.cloud', 'sicurezza', 'servizi.esperienza-cittadino', 'dati.pdnd'];
const BRACKETS = [
  { populationMin: 0, populationMax: 5000, amount: 25000 },
  { populationMin: 5001, populationMax: 20000, amount: 40000 },
  { populationMin: 20001, populationMax: null, amount: 80000 },
];

/** The mix a Lombard catalogue has: mostly regional calls, some national ones for small comuni, a few for all. */
export function benchCall(i: number, now: Date): CallInput {
  const scope: CallInput['eligibility'] =
    i % 20 === 0
      ? { bodyTypes: ['comune'], aggregation: 'allowed', exclusions: [], conditions: [] }
      : i % 10 === 1
        ? {
            bodyTypes: ['comune', 'unione'],
            population: { max: 5000 },
            aggregation: 'allowed',
            exclusions: [{ kind: 'funded_by_measure', measureCode: '1.4.1', description: 'Chi ha già la 1.4.1 non partecipa.' }],
            conditions: [],
          }
        : { bodyTypes: ['comune', 'unione'], territory: { regions: ['03'] }, aggregation: 'allowed', exclusions: [], conditions: [] };
  return {
    title: `Bando di prova ${i + 1}: ${THEMES[i % THEMES.length]}`,
    summary: 'Contributi ai comuni per progetti di trasformazione digitale dei servizi e delle infrastrutture.',
    issuer: 'Regione di prova',
    programme: { kind: i % 2 === 0 ? 'pnrr' : 'regionale', code: i % 2 === 0 ? 'M1C1I1.4.3' : null },
    themes: [THEMES[i % THEMES.length]!],
    eligibility: scope,
    money: { totalBudget: 10_000_000, amount: { kind: 'brackets', brackets: BRACKETS } },
    procedure: i % 3 === 0 ? 'sportello' : 'graduatoria',
    windows: [{ opensAt: new Date(now.getTime() - DAY).toISOString(), closesAt: new Date(now.getTime() + (10 + (i % 80)) * DAY).toISOString() }],
    links: [{ label: 'Avviso', url: 'https://example.org/bando' }],
  };
}

const connector = (calls: CallInput[]): Connector => ({
  kind: 'bench:matching',
  split: () => calls.map((call, i) => ({ externalId: `MATCH-${i}`, raw: { call } })),
  map: (raw) => ({ input: raw.call as CallInput, url: null }),
});

const seconds = (started: number) => ((performance.now() - started) / 1000).toFixed(2);

/** Publishes 1,000 open calls, times the full rematch and one more call; returns an RTD token for Crema. */
export async function matchingScenario(databaseUrl: string): Promise<string> {
  const db = createDb(databaseUrl, { max: 10 });
  const clock = { now: new Date(), soonDays: 14 };
  try {
    const count = Number(process.env.BENCH_CALLS ?? 1000);
    const calls = Array.from({ length: count + 1 }, (_, i) => benchCall(i, clock.now));
    const source = connector(calls.slice(0, count));
    await runIngest(db, clock, { connector: source, location: 'bench', items: source.split(new Uint8Array(), ''), trusted: true });
    let started = performance.now();
    const full = await rematchAll(db, clock);
    const took = (performance.now() - started) / 1000;
    console.log(
      `full rematch of every comune against ${full.calls} open calls: ${took.toFixed(2)} s (${full.matches} matches stored, ${Math.round(full.matches / took)} rows/s)`,
    );

    const one = connector([calls[count]!]);
    const run = await runIngest(db, clock, {
      connector: { ...one, split: () => [{ externalId: `MATCH-${count}`, raw: { call: calls[count] } }] },
      location: 'bench-one',
      items: [{ externalId: `MATCH-${count}`, raw: { call: calls[count] } }],
      trusted: true,
    });
    if (run.created !== 1) throw new Error('the extra call was not published');
    const call = await db.selectFrom('calls').select('id').where('title', '=', calls[count]!.title).executeTakeFirstOrThrow();
    started = performance.now();
    const matched = await matchCall(db, call.id, clock);
    console.log(`one published call (open to every comune) matched and stored: ${seconds(started)} s (${matched} comuni)`);

    // What autovacuum would do over the next minutes, done now so it does not weigh on later figures.
    await sql`vacuum analyze matches`.execute(db);
    const { secret } = await db.transaction().execute((trx) => createApiToken(trx, null, { name: 'bench', role: 'rtd', comuni: ['019035'] }));
    return secret;
  } finally {
    await db.destroy();
  }
}
