import { describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES } from '../../server/src/modules/ingest/ingest.default-sources.ts';
import { listSources } from '../../server/src/modules/ingest/ingest.queries.ts';
import { useTestApp } from '../helpers/app.ts';
import { createTestUser, loginAs } from '../helpers/identity.ts';
import { spawnEntry } from '../helpers/processes.ts';

const ctx = useTestApp();
const HOUR = 3_600_000;
// A fixed clock two days back: the freshness rules are checked against it, the API against the real time.
const NOW = new Date(Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR);
const ago = (hours: number) => new Date(NOW.getTime() - hours * HOUR);

async function cli(...args: string[]) {
  const run = spawnEntry('server/src/cli/main.ts', [...args, '--json'], {
    DATABASE_URL: ctx.database.url,
    SESSION_SECRET: 'cli-secret-cli-secret-cli-secret-000000',
  });
  const code = await run.exited;
  return { code, report: JSON.parse(run.output().trim().split('\n').at(-1)!) };
}

describe('npm run cli -- sources add-defaults', () => {
  it('registers the real public sources with a daily schedule, and changes nothing when run again', async () => {
    const first = await cli('sources', 'add-defaults');
    expect(first).toMatchObject({ code: 0, report: { ok: true, created: DEFAULT_SOURCES.map((s) => s.name), present: [] } });
    const registered = async () => ctx.db.selectFrom('ingest_sources').selectAll().orderBy('kind').execute();
    const before = await registered();
    expect(before.map((s) => [s.kind, s.location, s.every_minutes, s.trusted, s.enabled])).toEqual([
      ['italiadomani', 'https://www.italiadomani.gov.it/content/sogei-ng/it/it/catalogo-open-data.html', 1440, false, false],
      ['lombardia', 'https://www.dati.lombardia.it/resource/bukx-h2uy.json?$limit=50000', 1440, false, true],
      ['padigitale2026', 'https://raw.githubusercontent.com/teamdigitale/padigitale2026-opendata/main/data/avvisi.csv', 1440, false, true],
    ]);

    const second = await cli('sources', 'add-defaults');
    expect(second).toMatchObject({ code: 0, report: { ok: true, created: [], present: DEFAULT_SOURCES.map((s) => s.name) } });
    expect(await registered()).toEqual(before);
    expect(await ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'source.created').execute()).toHaveLength(3);
  });
});

describe('freshness of a source', () => {
  async function source(name: string, kind: 'rss' | 'csv' | 'plone', everyMinutes: number | null, enabled = true) {
    return ctx.db
      .insertInto('ingest_sources')
      .values({ name, kind, location: `https://example.it/${kind}`, every_minutes: everyMinutes, enabled, created_at: ago(24 * 30) })
      .returning('id')
      .executeTakeFirstOrThrow();
  }
  const run = (sourceId: string, kind: string, status: 'succeeded' | 'failed', hoursAgo: number, error: string | null = null) =>
    ctx.db
      .insertInto('ingest_runs')
      .values({ source_id: sourceId, kind, location: `https://example.it/${kind}`, status, error, started_at: ago(hoursAgo + 0.1), finished_at: ago(hoursAgo) })
      .execute();
  const item = (kind: string, externalId: string, hoursAgo: number) =>
    ctx.db
      .insertInto('ingest_items')
      .values({ source_kind: kind, external_id: externalId, raw: JSON.stringify({}), hash: externalId, first_seen_at: ago(hoursAgo), last_seen_at: ago(1) })
      .execute();

  it('gives the newest record, the last success, the last error with its time, and says when a source is late', async () => {
    const rss = await source('Notizie della Regione', 'rss', 60);
    await item('rss', 'vecchia', 300);
    await item('rss', 'recente', 1.5);
    await run(rss.id, 'rss', 'succeeded', 5);
    await run(rss.id, 'rss', 'failed', 2, 'la fonte ha risposto 503 Service Unavailable');
    await run(rss.id, 'rss', 'succeeded', 1);
    const manual = await source('File caricati a mano', 'csv', null);
    await item('csv', 'unico', 24 * 20);
    const off = await source('Fonte sospesa', 'plone', 60, false);

    const byName = async (now: Date) => new Map((await listSources(ctx.db, now)).map((s) => [s.name, s]));
    const fresh = await byName(NOW);
    expect(fresh.get('Notizie della Regione')).toMatchObject({
      id: rss.id,
      newestRecordAt: ago(1.5).toISOString(),
      lastSuccessAt: ago(1).toISOString(),
      lastError: { at: ago(2).toISOString(), message: 'la fonte ha risposto 503 Service Unavailable' },
      late: false,
    });
    // Nothing new for more than twice its hourly interval.
    const later = await byName(new Date(NOW.getTime() + 0.6 * HOUR));
    expect(later.get('Notizie della Regione')!.late).toBe(true);
    // Sources read by hand, and sources switched off, are never late.
    expect(fresh.get('File caricati a mano')).toMatchObject({
      id: manual.id,
      newestRecordAt: ago(24 * 20).toISOString(),
      lastSuccessAt: null,
      lastError: null,
      late: false,
    });
    expect(fresh.get('Fonte sospesa')).toMatchObject({ id: off.id, newestRecordAt: null, lastRun: null, late: false });
  });

  it('shows the same on GET /api/v1/ingest/sources', async () => {
    await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
    const editor = await loginAs(ctx.app, 'redazione@anci.example.it');
    const { body } = await editor.get('/api/v1/ingest/sources').expect(200);
    const rss = body.items.find((s: { name: string }) => s.name === 'Notizie della Regione');
    // Read at the real time, two days after the fixed clock: late.
    expect(rss).toMatchObject({
      newestRecordAt: ago(1.5).toISOString(),
      lastSuccessAt: ago(1).toISOString(),
      lastError: { at: ago(2).toISOString() },
      late: true,
    });
    const never = body.items.find((s: { kind: string }) => s.kind === 'padigitale2026');
    expect(never).toMatchObject({ newestRecordAt: null, lastSuccessAt: null, lastError: null, lastRun: null, late: false });
  });
});
