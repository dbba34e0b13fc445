import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../server/src/modules/ingest/connectors/index.ts';
import { runIngest } from '../../server/src/modules/ingest/ingest.service.ts';
import { findDuplicateCandidates } from '../../server/src/modules/calls/duplicates.queries.ts';
import { repoRoot } from '../../server/src/paths.ts';
import { testConfig } from '../helpers/app.ts';
import { useTestDatabase } from '../helpers/database.ts';
import { useFixtureServer } from '../helpers/fixture-server.ts';

const DATA = resolve(repoRoot, '../shared/data');
const AVVISI_CSV = resolve(DATA, 'padigitale2026/avvisi.csv');
const AVVISI_JSON = resolve(DATA, 'padigitale2026/avvisi.json');
const ITALIADOMANI = resolve(DATA, 'italiadomani/bandi_e_avvisi_2023-04.csv');
const hasData = [AVVISI_CSV, AVVISI_JSON, ITALIADOMANI].every((f) => existsSync(f));
if (!hasData) console.log('skipped ingestion of the real PA digitale 2026 and Italia Domani files: ../shared/data is absent');

const ctx = useTestDatabase();
const fixtures = useFixtureServer();
const clock = () => ({ now: new Date('2026-11-23T10:00:00Z'), soonDays: 14 });
// The fixture server is on loopback: allowed here.
const limits = testConfig({ OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true' });

describe.skipIf(!hasData)('ingesting the real open-data files', () => {
  it('reads the 57 PA digitale 2026 avvisi over HTTP, with measure, windows, budget, body types and suggested themes', async () => {
    fixtures.serve('/avvisi.csv', readFileSync(AVVISI_CSV), 'text/csv');
    const report = await runIngest(ctx.db, clock(), { connector: CONNECTORS.padigitale2026!, location: `${fixtures.url}/avvisi.csv`, limits, trusted: true });
    expect(report).toMatchObject({ status: 'succeeded', seen: 57, created: 57, failed: 0 });
    const call = await ctx.db
      .selectFrom('calls')
      .innerJoin('call_windows', 'call_windows.call_id', 'calls.id')
      .select(['calls.id', 'measure_code', 'total_budget', 'eligibility', 'editorial_status', 'call_windows.opens_at', 'call_windows.closes_at'])
      .where('title', '=', '1.4.1 Esperienza del Cittadino - Comuni - Aprile 2022')
      .executeTakeFirstOrThrow();
    expect(call).toMatchObject({ measure_code: '1.4.1', editorial_status: 'published', eligibility: expect.objectContaining({ bodyTypes: ['comune'] }) });
    // The file says 2022-04-26: midnight in Rome, summer time.
    expect(call.opens_at.toISOString()).toBe('2022-04-25T22:00:00.000Z');
    const themes = await ctx.db.selectFrom('call_themes').select(['theme_code', 'suggested']).where('call_id', '=', call.id).execute();
    expect(themes).toContainEqual({ theme_code: 'servizi.esperienza-cittadino', suggested: true });
  });

  it('writes nothing when the same file (here its JSON twin) comes again', async () => {
    const before = await ctx.db
      .selectFrom('call_versions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const again = await runIngest(ctx.db, clock(), {
      connector: CONNECTORS.padigitale2026!,
      location: AVVISI_CSV,
      payload: readFileSync(AVVISI_CSV),
      trusted: true,
    });
    expect(again).toMatchObject({ seen: 57, created: 0, updated: 0, unchanged: 57 });
    const json = await runIngest(ctx.db, clock(), {
      connector: CONNECTORS.padigitale2026!,
      location: AVVISI_JSON,
      payload: readFileSync(AVVISI_JSON),
      trusted: true,
    });
    expect(json).toMatchObject({ seen: 57, created: 0, updated: 0, failed: 0 });
    const after = await ctx.db
      .selectFrom('call_versions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('reads the Italia Domani catalogue into drafts for review, recording why an item could not be read', async () => {
    const report = await runIngest(ctx.db, clock(), {
      connector: CONNECTORS.italiadomani!,
      location: ITALIADOMANI,
      payload: readFileSync(ITALIADOMANI),
      trusted: false,
    });
    expect(report.status).toBe('succeeded');
    expect(report.seen).toBeGreaterThan(240);
    expect(report.created + report.failed).toBe(report.seen);
    for (const failure of report.failures) expect(failure.reason).toMatch(/data|titolo/);
    const cloud = await ctx.db
      .selectFrom('calls')
      .select(['measure_code', 'editorial_status'])
      .where('title', 'like', '%Abilitazione al cloud per le PA Locali” Comuni Aprile 2022%')
      .executeTakeFirstOrThrow();
    expect(cloud).toEqual({ measure_code: '1.2', editorial_status: 'draft' });
    const run = await ctx.db.selectFrom('ingest_runs').selectAll().where('id', '=', report.runId).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: 'succeeded', created: report.created, failed: report.failed });
    expect(await ctx.db.selectFrom('ingest_items').select('raw').where('source_kind', '=', 'italiadomani').limit(1).executeTakeFirstOrThrow()).toBeTruthy();
  });

  it('shows the same avviso from both sources as duplicate candidates', async () => {
    const padigitale = await ctx.db
      .selectFrom('calls')
      .select('id')
      .where('title', '=', '1.2 Abilitazione al cloud - Comuni - Aprile 2022')
      .executeTakeFirstOrThrow();
    const candidates = await findDuplicateCandidates(ctx.db, padigitale.id);
    const fromItaliaDomani = candidates.filter((c) => c.sources.includes('italiadomani'));
    expect(fromItaliaDomani[0]).toMatchObject({ title: 'Abilitazione al cloud per le PA Locali” Comuni Aprile 2022', sameMeasure: true });
    // Another window of the same measure, a year later, is not the same avviso.
    expect(candidates.map((c) => c.title)).not.toContain('1.2 Abilitazione al Cloud - Comuni - settembre 2024');
  });
});
