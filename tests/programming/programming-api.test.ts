import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { importProgramming } from '../../server/src/modules/programming/programming.import.ts';
import { useTestApp } from '../helpers/app.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp();
const CREMA = '019035';
const MORTERONE = '097055';
let rtd: Agent;
let otherRtd: Agent;
let editor: Agent;
let cremaAward: string;
let morteroneAward: string;

const item = (over: Record<string, unknown> = {}) => ({
  code: 'PT-01',
  title: 'Pagamenti pagoPA per mensa e trasporto scolastico',
  themes: ['piattaforme.pagopa'],
  startYear: 2026,
  endYear: 2026,
  estimatedCost: 12000,
  ...over,
});
const csvBody = (...lines: string[]) => lines.join('\n') + '\n';
const post = (agent: Agent, body: object, istat = CREMA) => agent.post(`/api/v1/comuni/${istat}/programming`).set('x-csrf-token', agent.csrf).send(body);

beforeAll(async () => {
  await createComune(ctx.db, CREMA, 'Crema', 34000);
  await createComune(ctx.db, MORTERONE, 'Morterone', 33);
  await createTestUser(ctx.db, 'rtd.crema@example.it', 'rtd', [CREMA]);
  await createTestUser(ctx.db, 'rtd.morterone@example.it', 'rtd', [MORTERONE]);
  await createTestUser(ctx.db, 'editor@example.it', 'editor');
  rtd = await loginAs(ctx.app, 'rtd.crema@example.it');
  otherRtd = await loginAs(ctx.app, 'rtd.morterone@example.it');
  editor = await loginAs(ctx.app, 'editor@example.it');
  const awards = await ctx.db
    .insertInto('funding_awards')
    .values([
      {
        comune_istat: CREMA,
        source: 'test',
        application_key: 'J91F22000100006',
        cup: 'J91F22000100006',
        avviso: 'Avviso 1.4.3 pagoPA',
        measure_code: '1.4.3',
        amount: 24887,
        status: 'assegnato',
      },
      {
        comune_istat: MORTERONE,
        source: 'test',
        application_key: 'K1',
        cup: 'K11F22000000001',
        avviso: 'Avviso 1.2',
        measure_code: '1.2',
        amount: 47000,
        status: 'assegnato',
      },
    ])
    .returning('id')
    .execute();
  cremaAward = awards[0]!.id;
  morteroneAward = awards[1]!.id;
});

describe('POST /api/v1/comuni/:istat/programming', () => {
  it('adds an item with defaults, links its funding, audits it and updates the profile summary at once', async () => {
    const res = await post(rtd, item({ fundingStatus: 'funded', fundingAwardIds: [cremaAward] }));
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/comuni/${CREMA}/programming/${res.body.id}`);
    expect(res.body).toMatchObject({
      istat: CREMA,
      code: 'PT-01',
      priority: 'medium',
      status: 'planned',
      fundingStatus: 'funded',
      fundings: [{ id: cremaAward, cup: 'J91F22000100006', amount: 24887 }],
    });
    const audit = await ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', res.body.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['programming.created']);
    const profile = await request(ctx.app.server).get(`/api/v1/comuni/${CREMA}`);
    expect(profile.body.programming).toMatchObject({ items: 1, estimatedCost: 12000, unfundedCost: 0, byFundingStatus: { funded: 1 } });
  });

  it('explains what is inconsistent, field by field, and stores nothing', async () => {
    const res = await post(rtd, item({ code: 'PT-02', startYear: 2027, endYear: 2026, themes: ['blockchain'], fundingAwardIds: [morteroneAward] }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { field: 'body.endYear', message: "L'anno di fine (2026) precede quello di inizio (2027)." },
      { field: 'body.themes', message: 'Il tema «blockchain» non esiste.' },
      { field: 'body.fundingAwardIds', message: `Il finanziamento ${morteroneAward} non è tra quelli ottenuti dal comune.` },
    ]);
    expect((await post(rtd, item())).status).toBe(409);
    expect((await post(rtd, { title: '' })).status).toBe(400);
    const count = await ctx.db
      .selectFrom('programming_items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
  });

  it('lets only the RTD of the comune and admins write; colleagues of the Region may read', async () => {
    expect((await post(otherRtd, item({ code: 'X' }))).status).toBe(403);
    expect((await post(editor, item({ code: 'X' }))).status).toBe(403);
    expect((await request(ctx.app.server).get(`/api/v1/comuni/${CREMA}/programming`)).status).toBe(401);
    expect((await otherRtd.get(`/api/v1/comuni/${CREMA}/programming`)).status).toBe(403);
    expect((await editor.get(`/api/v1/comuni/${CREMA}/programming`)).status).toBe(200);
  });
});

describe('GET /api/v1/comuni/:istat/programming', () => {
  it('filters by status, theme (with its sub-themes) and year', async () => {
    await post(
      rtd,
      item({
        code: 'PT-03',
        title: 'Firewall di nuova generazione',
        themes: ['sicurezza'],
        startYear: 2027,
        endYear: 2028,
        status: 'in_progress',
        priority: 'high',
      }),
    ).expect(201);
    const list = async (query: string) => (await rtd.get(`/api/v1/comuni/${CREMA}/programming?${query}`)).body.items.map((i: { code: string }) => i.code);
    expect(await list('')).toEqual(['PT-01', 'PT-03']);
    expect(await list('theme=piattaforme')).toEqual(['PT-01']);
    expect(await list('status=in_progress')).toEqual(['PT-03']);
    expect(await list('year=2028')).toEqual(['PT-03']);
    expect((await rtd.get(`/api/v1/comuni/${CREMA}/programming?limit=1`)).body).toMatchObject({
      total: 2,
      _links: { next: { href: expect.stringContaining('offset=1') } },
    });
  });
});

describe('PUT and DELETE /api/v1/comuni/:istat/programming/:id', () => {
  it('replaces an item, audits the changed fields only, and deletes it', async () => {
    const created = (await post(rtd, item({ code: 'PT-04', title: 'Sito web', themes: ['servizi.esperienza-cittadino'] }))).body;
    const url = `/api/v1/comuni/${CREMA}/programming/${created.id}`;
    const updated = await rtd
      .put(url)
      .set('x-csrf-token', rtd.csrf)
      .send(item({ code: 'PT-04', title: 'Sito web', themes: ['servizi.esperienza-cittadino'], status: 'done' }));
    expect(updated.status).toBe(200);
    expect(updated.body.status).toBe('done');
    await rtd
      .put(url)
      .set('x-csrf-token', rtd.csrf)
      .send(item({ code: 'PT-04', title: 'Sito web', themes: ['servizi.esperienza-cittadino'], status: 'done' }))
      .expect(200);
    const audit = await ctx.db.selectFrom('audit_log').select(['action', 'changes']).where('entity_id', '=', created.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['programming.created', 'programming.updated']);
    expect(audit[1]!.changes).toEqual({ status: { from: 'planned', to: 'done' } });
    expect((await otherRtd.delete(url).set('x-csrf-token', otherRtd.csrf)).status).toBe(403);
    await rtd.delete(url).set('x-csrf-token', rtd.csrf).expect(204);
    expect((await rtd.delete(url).set('x-csrf-token', rtd.csrf)).status).toBe(404);
    // An item of Crema is not reachable through Morterone's URL.
    const crema = (await rtd.get(`/api/v1/comuni/${CREMA}/programming`)).body.items[0];
    expect(
      (
        await otherRtd
          .put(`/api/v1/comuni/${MORTERONE}/programming/${crema.id}`)
          .set('x-csrf-token', otherRtd.csrf)
          .send(item({ code: 'Z' }))
      ).status,
    ).toBe(404);
  });
});

describe('CSV template, export and import', () => {
  it('offers a public template with one example row', async () => {
    const res = await request(ctx.app.server).get('/api/v1/programming/template');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'codice;titolo;descrizione;temi;anno_inizio;anno_fine;costo_stimato;priorita;stato;stato_finanziamento;cup_finanziamenti',
    );
    expect(res.text).toContain('PT-2026-01;Migrazione dei servizi demografici al cloud qualificato');
  });

  it('exports the plan, and importing the export back changes nothing', async () => {
    const exported = await rtd.get(`/api/v1/comuni/${CREMA}/programming/export`);
    expect(exported.headers['content-disposition']).toBe(`attachment; filename="programmazione-${CREMA}.csv"`);
    expect(exported.text).toContain(
      'PT-01;Pagamenti pagoPA per mensa e trasporto scolastico;;piattaforme.pagopa;2026;2026;12000,00;media;pianificato;finanziato;J91F22000100006',
    );
    const report = await rtd
      .post(`/api/v1/comuni/${CREMA}/programming/import`)
      .set('x-csrf-token', rtd.csrf)
      .set('content-type', 'text/csv')
      .send(exported.text);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ read: 2, created: 0, updated: 0, unchanged: 2, rejected: [] });
  });

  it('creates and updates by code, and reports each bad row with its line and reason', async () => {
    const file = csvBody(
      'codice;titolo;temi;anno_inizio;anno_fine;costo_stimato;priorita;stato',
      'PT-01;Pagamenti pagoPA per mensa e trasporto scolastico;piattaforme.pagopa;2026;2027;"12.500,50";alta;in corso',
      'PT-10;App IO per i servizi demografici;piattaforme.app-io, piattaforme.anpr;2026;2026;8000;bassa;pianificato',
      ';Senza codice;sicurezza;2026;2026;;;',
      'PT-11;Anni al contrario;sicurezza;2028;2026;;;',
      'PT-12;Tema ignoto;blockchain;2026;2026;;;',
      'PT-13;Costo strano;sicurezza;2026;2026;molto;;',
      'PT-10;Ripetuto;sicurezza;2026;2026;;;',
    );
    const res = await rtd.post(`/api/v1/comuni/${CREMA}/programming/import`).set('x-csrf-token', rtd.csrf).set('content-type', 'text/csv').send(file);
    expect(res.body).toMatchObject({ read: 7, created: 1, updated: 1, unchanged: 0 });
    expect(res.body.rejected).toEqual([
      { line: 4, reason: "codice mancante: serve a riconoscere l'intervento alle importazioni successive" },
      { line: 5, reason: "L'anno di fine (2026) precede quello di inizio (2028)." },
      { line: 6, reason: 'Il tema «blockchain» non esiste.' },
      { line: 7, reason: 'costo stimato non valido: "molto" (es. 12500,00)' },
      { line: 8, reason: 'codice PT-10 ripetuto nel file' },
    ]);
    const items = (await rtd.get(`/api/v1/comuni/${CREMA}/programming?limit=100`)).body.items;
    expect(items.find((i: { code: string }) => i.code === 'PT-01')).toMatchObject({
      estimatedCost: 12500.5,
      priority: 'high',
      status: 'in_progress',
      endYear: 2027,
      fundings: [],
    });
    expect(items.find((i: { code: string }) => i.code === 'PT-10')).toMatchObject({ themes: ['piattaforme.anpr', 'piattaforme.app-io'] });
  });

  it('writes text a spreadsheet would run as a formula with a leading quote, and reads it back unchanged', async () => {
    const hostile = { code: '+PT-FX', title: '=HYPERLINK("https://example.org/x";"Apri")', description: '@SUM(1+1)', estimatedCost: null };
    expect((await post(rtd, item(hostile))).status).toBe(201);
    const exported = await rtd.get(`/api/v1/comuni/${CREMA}/programming/export`);
    const line = exported.text.split('\r\n').find((l) => l.startsWith(`'+PT-FX;`));
    expect(line).toBe(`'+PT-FX;"'=HYPERLINK(""https://example.org/x"";""Apri"")";'@SUM(1+1);piattaforme.pagopa;2026;2026;;media;pianificato;non_finanziato;`);
    const report = await rtd
      .post(`/api/v1/comuni/${CREMA}/programming/import`)
      .set('x-csrf-token', rtd.csrf)
      .set('content-type', 'text/csv')
      .send(exported.text);
    expect(report.body).toMatchObject({ created: 0, updated: 0, rejected: [] });
    const items = (await rtd.get(`/api/v1/comuni/${CREMA}/programming?limit=100`)).body.items;
    expect(items.find((i: { code: string }) => i.code === '+PT-FX')).toMatchObject({ title: hostile.title, description: hostile.description });
  });

  it('refuses a file of another kind and rolls back everything when the import fails midway', async () => {
    const wrong = await rtd
      .post(`/api/v1/comuni/${CREMA}/programming/import`)
      .set('x-csrf-token', rtd.csrf)
      .set('content-type', 'text/csv')
      .send('codice_istat;denominazione\n019035;Crema\n');
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('UNKNOWN_FILE_FORMAT');
    const before = await ctx.db.selectFrom('programming_items').select(['code', 'title']).orderBy('code').execute();
    const file = new TextEncoder().encode(
      csvBody('codice;titolo;temi;anno_inizio;anno_fine', 'PT-01;Titolo cambiato;sicurezza;2026;2026', 'PT-20;Nuovo;sicurezza;2026;2026'),
    );
    await expect(
      importProgramming(ctx.db, null, CREMA, file, {
        beforeCommit: async () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(await ctx.db.selectFrom('programming_items').select(['code', 'title']).orderBy('code').execute()).toEqual(before);
  });
});
