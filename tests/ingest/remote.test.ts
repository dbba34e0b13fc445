import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../server/src/modules/ingest/connectors/index.ts';
import { runIngest, type IngestLimits } from '../../server/src/modules/ingest/ingest.service.ts';
import { useTestApp } from '../helpers/app.ts';
import { useFixtureServer } from '../helpers/fixture-server.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

// The app keeps the default: no requests into loopback or private networks.
const ctx = useTestApp();
const fixtures = useFixtureServer();
const clock = () => ({ now: new Date('2026-11-23T10:00:00Z'), soonDays: 14 });
/** For runs that read the fixture server, which is on loopback. */
const loopback: IngestLimits = { outboundAllowPrivateNetworks: true, ingestMaxBytes: 52_428_800 };
const requested: string[] = [];
let editor: Agent;

const bando = (uid: string, title: string) => ({
  '@id': `https://www.comune.esempio.it/bandi/${uid}`,
  UID: uid,
  title,
  review_state: 'published',
  apertura_bando: '2026-10-01T09:00:00',
});
const ploneRun = (path: string, limits = loopback) =>
  runIngest(ctx.db, clock(), { connector: CONNECTORS.plone!, location: `${fixtures.url}${path}`, limits, trusted: true });
const titles = async () => (await ctx.db.selectFrom('calls').select('title').orderBy('title').execute()).map((c) => c.title);

// A file on disk a page link could point at: valid Plone JSON, so reading it would create a call.
const secretFile = join(mkdtempSync(join(tmpdir(), 'cruscotto-ingest-')), 'bandi.json');
writeFileSync(secretFile, JSON.stringify({ items: [bando('disco', 'Bando letto dal disco')] }));

beforeAll(async () => {
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  editor = await loginAs(ctx.app, 'redazione@anci.example.it');
});

describe('Plone page links', () => {
  it.each(['/etc/passwd', 'file:///etc/passwd', secretFile, `file://${secretFile}`])('never read %s from disk, and the run says why', async (next) => {
    fixtures.serve('/links', JSON.stringify({ items: [bando('p1', 'Bando della prima pagina')], batching: { next } }));
    const report = await ploneRun('/links');
    expect(report.status).toBe('failed');
    expect(report.error).toMatch(/^fonte illeggibile: il link alla pagina successiva non è un indirizzo http o https \(".{1,80}"\): non seguito$/);
    expect(report.error).not.toMatch(/root:/);
    expect(await titles()).not.toContain('Bando letto dal disco');
  });

  it('refuse a next page on another site', async () => {
    const other = `http://localhost:${new URL(fixtures.url).port}/pagina-2`;
    fixtures.serve('/first', JSON.stringify({ items: [bando('p1', 'Bando della prima pagina')], batching: { next: other } }));
    fixtures.serve('/pagina-2', JSON.stringify({ items: [bando('p2', 'Bando di un altro sito')] }));
    const report = await ploneRun('/first');
    expect(report).toMatchObject({
      status: 'failed',
      error: `fonte illeggibile: il link alla pagina successiva porta a un altro sito (${new URL(other).origin}): non seguito`,
    });
    expect(await titles()).not.toContain('Bando di un altro sito');
  });
});

describe('the size of an answer', () => {
  it('is capped by INGEST_MAX_BYTES while it streams: reading stops as soon as the cap is passed', async () => {
    let written = 0;
    const closed = new Promise<void>((done) => {
      // Up to 128 MB of a body that never becomes valid JSON, sent as fast as it is read.
      fixtures.handle('/endless', (_request, response) => {
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pour = () => {
          while (written < 128 * 1024 * 1024 && !response.destroyed) {
            written += chunk.length;
            if (!response.write(chunk)) return;
          }
          response.end();
        };
        response.on('drain', pour).on('close', () => done());
        response.writeHead(200, { 'content-type': 'application/json' });
        pour();
      });
    });
    const before = process.memoryUsage().rss;
    const report = await ploneRun('/endless', { outboundAllowPrivateNetworks: true, ingestMaxBytes: 65_536 });
    expect(report).toMatchObject({ status: 'failed', error: 'fonte illeggibile: la risposta supera il limite di 65.536 byte: lettura interrotta' });
    await closed;
    // What the server managed to send before the client hung up: socket buffers, not the body.
    expect(written).toBeLessThan(16 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('sources on private networks', () => {
  const port = () => new URL(fixtures.url).port;
  const source = (location: string) => ({ name: 'Bandi del comune', kind: 'lombardia', location, everyMinutes: null, trusted: false, enabled: true });

  it('are refused when registered, with the reason in Italian', async () => {
    fixtures.handle('/bandi.json', (_request, response) => void (requested.push('/bandi.json'), response.end('[]')));
    const named = await editor
      .post('/api/v1/ingest/sources')
      .set('x-csrf-token', editor.csrf)
      .send(source(`http://localhost:${port()}/bandi.json`));
    expect(named.status).toBe(422);
    expect(named.body).toMatchObject({ code: 'INVALID_SOURCE_LOCATION', detail: 'L’indirizzo della fonte non è utilizzabile.' });
    expect(named.body.errors[0]).toMatchObject({
      field: 'body.location',
      message: expect.stringMatching(/^L’indirizzo localhost \((127\.0\.0\.1|::1)\) è in una rete privata o locale/),
    });
    for (const [location, message] of [
      ['file:///etc/passwd', 'Sono ammessi solo indirizzi http o https.'],
      ['/etc/passwd', 'Indirizzo non valido: serve un URL completo, ad esempio https://www.esempio.it/percorso.'],
    ]) {
      const refused = await editor.post('/api/v1/ingest/sources').set('x-csrf-token', editor.csrf).send(source(location!));
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([{ field: 'body.location', message }]);
    }
    expect(requested).toEqual([]);
  });

  it('are checked again when a run connects: a saved name that now leads to loopback fails the run unread', async () => {
    const saved = await ctx.db
      .insertInto('ingest_sources')
      .values({ name: 'Bandi', kind: 'lombardia', location: `http://localhost:${port()}/bandi.json`, every_minutes: null, trusted: false, enabled: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    const run = await editor.post(`/api/v1/ingest/sources/${saved.id}/run`).set('x-csrf-token', editor.csrf);
    expect(run.body).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(
        /^fonte illeggibile: L’indirizzo localhost \((127\.0\.0\.1|::1)\) è in una rete privata o locale: il Cruscotto non vi invia richieste \(OUTBOUND_ALLOW_PRIVATE_NETWORKS\)\.$/,
      ),
    });
    expect(requested).toEqual([]);
  });

  it('never fall back to reading a file named by a stored source', async () => {
    const saved = await ctx.db
      .insertInto('ingest_sources')
      .values({ name: 'Vecchia fonte', kind: 'plone', location: secretFile, every_minutes: null, trusted: true, enabled: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    const run = await editor.post(`/api/v1/ingest/sources/${saved.id}/run`).set('x-csrf-token', editor.csrf);
    expect(run.body).toMatchObject({
      status: 'failed',
      error: 'fonte illeggibile: la fonte deve essere un indirizzo http o https (un file locale si importa da riga di comando)',
    });
    expect(await titles()).not.toContain('Bando letto dal disco');
  });
});
