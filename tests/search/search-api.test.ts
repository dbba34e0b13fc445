import { waitFor } from '../helpers/processes.ts';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { drainSearchOutbox } from '../../server/src/modules/search/search.outbox.ts';
import { loadCallDocuments } from '../../server/src/modules/search/search.documents.ts';
import type { CallDocument, SearchEngine } from '../../server/src/plugins/search/engine.ts';
import { createPostgresEngine } from '../../server/src/plugins/search/postgres-engine.ts';
import { useTestApp } from '../helpers/app.ts';
import { seedDemoCalls } from '../../seeds/demo-calls.ts';
import { callInput } from '../helpers/calls.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false' } });
let editor: Agent;

beforeAll(async () => {
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  editor = await loginAs(ctx.app, 'redazione@anci.example.it');
});

const create = async (title: string, publish = true) => {
  const { body } = await editor.post('/api/v1/calls').set('x-csrf-token', editor.csrf).send(callInput({ title }));
  if (publish) await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  return body.id as string;
};

describe('GET /api/v1/calls/search', () => {
  it('finds a call once the outbox is drained, and shows the lag meanwhile', async () => {
    await create('Avviso per la digitalizzazione degli archivi storici');
    await create('Bozza sugli archivi comunali', false);
    const before = await request(ctx.app.server).get('/api/v1/search/status');
    expect(before.body).toMatchObject({ engine: 'postgres', healthy: true });
    expect(before.body.pending).toBeGreaterThan(0);
    await drainSearchOutbox(ctx.db, ctx.app.searchEngine);
    expect((await request(ctx.app.server).get('/api/v1/search/status')).body.pending).toBe(0);
    const res = await request(ctx.app.server).get('/api/v1/calls/search?q=archivio&facets=status&facets=programme');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      total: 1,
      limit: 20,
      offset: 0,
      facets: { status: { aperto: 1 }, programme: { pnrr: 1 } },
      _links: { self: expect.any(Object) },
    });
    expect(res.body.items[0].highlights.title).toBe('Avviso per la digitalizzazione degli <mark>archivi</mark> storici');
  });

  it('answers a repeated search from memory, and forgets it when the index changes in any process', async () => {
    const url = '/api/v1/calls/search?q=biblioteca&facets=status';
    const first = await request(ctx.app.server).get(url);
    expect(first.body.total).toBe(0);
    const id = await create('Biblioteche in rete per i piccoli comuni');
    // Written into the index without telling anyone: the same question still gets the remembered
    // answer, a new one sees the call.
    await ctx.app.searchEngine.index(await loadCallDocuments(ctx.db, [id]));
    expect((await request(ctx.app.server).get(`${url}&limit=21`)).body.total).toBe(1);
    expect((await request(ctx.app.server).get(url)).body.total).toBe(0);
    // The drain as another process would run it: it tells every process through PostgreSQL.
    await drainSearchOutbox(ctx.db, ctx.app.searchEngine);
    await waitFor(async () => (await request(ctx.app.server).get(url)).body.total === 1, 5000, 'the cached answer to be dropped');
  });

  it('lets editors, and only them, search drafts', async () => {
    const anonymous = await request(ctx.app.server).get('/api/v1/calls/search?q=archivi&editorialStatus=draft');
    expect(anonymous.status).toBe(403);
    const drafts = await editor.get('/api/v1/calls/search?q=archivi&editorialStatus=draft');
    expect(drafts.body.items.map((i: { title: string }) => i.title)).toEqual(['Bozza sugli archivi comunali']);
    expect((await request(ctx.app.server).get('/api/v1/calls/search?facets=colore')).status).toBe(400);
  });

  it('exports the same search as CSV for spreadsheets', async () => {
    const res = await request(ctx.app.server).get('/api/v1/calls/search?q=archivi').set('accept', 'text/csv');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const [header, row] = res.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    expect(header).toBe('Titolo;Ente erogatore;Programma;Misura;Stato;Prossima scadenza;Dotazione (€);Importo massimo per ente (€);Temi;Link;Dimostrativo');
    expect(row).toMatch(
      /^Avviso per la digitalizzazione degli archivi storici;Dipartimento per la trasformazione digitale;PNRR;1\.4\.5;Aperto;\d\d\/\d\d\/\d\d, \d\d:\d\d;200000000,00;59966,00;piattaforme\.send;https:/,
    );
  });

  it('writes a title a spreadsheet would run as a formula as text, with a leading quote', async () => {
    await create('=HYPERLINK("https://example.org/x";"Fogli elettronici")');
    await drainSearchOutbox(ctx.db, ctx.app.searchEngine);
    const res = await request(ctx.app.server).get('/api/v1/calls/search?q=elettronici').set('accept', 'text/csv');
    const row = res.text.split('\r\n')[1];
    expect(row).toMatch(/^"'=HYPERLINK\(""https:\/\/example\.org\/x"";""Fogli elettronici""\)";Dipartimento/);
    expect(row).toContain(';200000000,00;59966,00;');
  });

  it('marks the calls of the demo catalogue "sì" in the Dimostrativo column, and real calls "no"', async () => {
    await seedDemoCalls(ctx.db, new Date(), 14);
    await create('Avviso reale sul catasto digitale');
    await drainSearchOutbox(ctx.db, ctx.app.searchEngine);
    const res = await request(ctx.app.server).get('/api/v1/calls/search?limit=100').set('accept', 'text/csv');
    const [header, ...rows] = res.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(header!.split(';').at(-1)).toBe('Dimostrativo');
    const demoFlag = (title: string) =>
      rows
        .find((r) => r.startsWith(`${title};`))
        ?.split(';')
        .at(-1);
    const demoTitles = (
      await ctx.db.selectFrom('call_sources as s').innerJoin('calls as c', 'c.id', 's.call_id').select('c.title').where('s.source_kind', '=', 'demo').execute()
    ).map((c) => c.title);
    expect(demoTitles.length).toBeGreaterThan(3);
    for (const title of demoTitles.filter((t) => !/[";]/.test(t))) expect(demoFlag(title), title).toBe('sì');
    expect(demoFlag('Avviso reale sul catasto digitale')).toBe('no');
  });
});

describe('the search outbox', () => {
  it('keeps every change while the engine is down and indexes each exactly once when it returns', async () => {
    const real = createPostgresEngine(ctx.db);
    let down = true;
    const indexed: string[] = [];
    const flaky: SearchEngine = {
      ...real,
      async index(documents: CallDocument[]) {
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:7700');
        indexed.push(...documents.map((d) => d.id));
        return real.index(documents);
      },
    };
    const first = await create('Avviso sui registri digitali');
    await editor
      .put(`/api/v1/calls/${first}`)
      .set('x-csrf-token', editor.csrf)
      .send(callInput({ title: 'Avviso sui registri digitali (rettificato)' }))
      .expect(200);
    const second = await create('Avviso sulle biblioteche digitali');
    expect(await drainSearchOutbox(ctx.db, flaky)).toMatchObject({ failed: 2 });
    const pending = await ctx.db.selectFrom('search_outbox').select(['attempts', 'last_error']).where('processed_at', 'is', null).execute();
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((p) => p.attempts === 1 && p.last_error === 'connect ECONNREFUSED 127.0.0.1:7700')).toBe(true);
    down = false;
    // The retry waits out its backoff (one second after the first failure).
    expect(await drainSearchOutbox(ctx.db, flaky)).toMatchObject({ indexed: 0 });
    await new Promise((r) => setTimeout(r, 1100));
    expect(await drainSearchOutbox(ctx.db, flaky)).toMatchObject({ indexed: 2, failed: 0 });
    expect(indexed.sort()).toEqual([first, second].sort());
    expect(await drainSearchOutbox(ctx.db, flaky)).toMatchObject({ indexed: 0 });
    const found = await request(ctx.app.server).get('/api/v1/calls/search?q=rettificato');
    expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([first]);
  });
});
