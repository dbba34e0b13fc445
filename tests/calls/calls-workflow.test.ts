import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishDueCalls } from '../../server/src/modules/calls/calls.service.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp();
let first: Agent;
let second: Agent;
let rtd: Agent;

beforeAll(async () => {
  await createComune(ctx.db, '019035', 'Crema');
  await createTestUser(ctx.db, 'chiara@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'luca@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'rtd@example.it', 'rtd', ['019035']);
  first = await loginAs(ctx.app, 'chiara@anci.example.it');
  second = await loginAs(ctx.app, 'luca@anci.example.it');
  rtd = await loginAs(ctx.app, 'rtd@example.it');
});

const post = (agent: Agent, url: string, body: object = {}) => agent.post(url).set('x-csrf-token', agent.csrf).send(body);
const put = (agent: Agent, url: string, body: object) => agent.put(url).set('x-csrf-token', agent.csrf).send(body);
const events = (callId: string) => ctx.db.selectFrom('call_events').select(['kind', 'payload']).where('call_id', '=', callId).orderBy('id').execute();

async function publishedCall(over = {}) {
  const created = await post(first, '/api/v1/calls', callInput(over));
  expect(created.status).toBe(201);
  await post(first, `/api/v1/calls/${created.body.id}/submit`).expect(200);
  await post(second, `/api/v1/calls/${created.body.id}/approve`).expect(200);
  await post(second, `/api/v1/calls/${created.body.id}/publish`).expect(200);
  return created.body.id as string;
}

describe('creating a call', () => {
  it('stores a draft that the public cannot see, with the measure code parsed', async () => {
    const res = await post(first, '/api/v1/calls', callInput());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      editorialStatus: 'draft',
      status: 'aperto',
      measureCode: '1.4.5',
      version: 1,
      programme: { kind: 'pnrr', code: 'M1C1I1.4.5' },
    });
    expect((await request(ctx.app.server).get(`/api/v1/calls/${res.body.id}`)).status).toBe(404);
    expect((await request(ctx.app.server).get('/api/v1/calls')).body.total).toBe(0);
    expect((await post(rtd, '/api/v1/calls', callInput())).status).toBe(403);
  });

  it.each([
    [
      'dates that close before they open',
      { windows: [{ opensAt: daysFromNow(5), closesAt: daysFromNow(1) }] },
      'body.windows[0].closesAt',
      'La finestra 1 chiude prima di aprire.',
    ],
    [
      'a gap between brackets',
      {
        money: {
          amount: {
            kind: 'brackets',
            brackets: [
              { populationMin: 0, populationMax: 5000, amount: 1 },
              { populationMin: 6000, populationMax: null, amount: 2 },
            ],
          },
        },
      },
      'body.money.amount.brackets[1].populationMin',
      'Buco tra le fasce 1 e 2: nessun importo da 5.001 a 5.999 abitanti.',
    ],
    [
      'overlapping brackets',
      {
        money: {
          amount: {
            kind: 'brackets',
            brackets: [
              { populationMin: 0, populationMax: 5000, amount: 1 },
              { populationMin: 4000, populationMax: null, amount: 2 },
            ],
          },
        },
      },
      'body.money.amount.brackets[1].populationMin',
      'Le fasce 1 e 2 si sovrappongono (4.000–5.000 abitanti).',
    ],
    [
      'a bracket that ends before it starts',
      {
        money: {
          amount: {
            kind: 'brackets',
            brackets: [
              { populationMin: 0, populationMax: 5000, amount: 1 },
              { populationMin: 5001, populationMax: 3000, amount: 2 },
              { populationMin: 3001, populationMax: null, amount: 3 },
            ],
          },
        },
      },
      'body.money.amount.brackets[1].populationMax',
      'La fascia 2 finisce (3.000) prima di cominciare (5.001).',
    ],
    [
      'a document without a title, in the singular',
      { links: [{ label: '', url: 'https://example.org/avviso.pdf' }] },
      'body.links[0].label',
      'Deve contenere almeno 1 carattere.',
    ],
    ['a negative amount', { money: { totalBudget: -5 } }, 'body.money.totalBudget', 'Un importo non può essere negativo.'],
    ['an unknown theme', { themes: ['blockchain'] }, 'body.themes[0]', 'Il tema «blockchain» non esiste.'],
    [
      'an unknown body type',
      { eligibility: { bodyTypes: ['parrocchia'], aggregation: 'allowed', exclusions: [], conditions: [] } },
      'body.eligibility.bodyTypes[0]',
      'Tipo di ente sconosciuto: «parrocchia» (ammessi: comune, unione, comunita_montana, provincia, citta_metropolitana, regione, scuola, asl, universita, pa_centrale, altro).',
    ],
  ])('refuses %s naming the field', async (_case, over, field, message) => {
    const res = await post(first, '/api/v1/calls', callInput(over as object));
    expect([400, 422]).toContain(res.status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toContainEqual({ field, message });
  });
});

describe('the editorial workflow', () => {
  it('needs a second editor to approve, then publishes and emits an event', async () => {
    const { body: draft } = await post(first, '/api/v1/calls', callInput());
    expect((await post(second, `/api/v1/calls/${draft.id}/publish`)).body.code).toBe('INVALID_TRANSITION');
    await post(first, `/api/v1/calls/${draft.id}/submit`).expect(200);
    const self = await post(first, `/api/v1/calls/${draft.id}/approve`);
    expect(self.status).toBe(409);
    expect(self.body.code).toBe('SECOND_EDITOR_REQUIRED');
    await post(second, `/api/v1/calls/${draft.id}/approve`).expect(200);
    const published = await post(second, `/api/v1/calls/${draft.id}/publish`);
    expect(published.body).toMatchObject({ editorialStatus: 'published', publishedAt: expect.any(String) });
    expect((await events(draft.id)).map((e) => e.kind)).toEqual(['call.published']);
    expect((await request(ctx.app.server).get(`/api/v1/calls/${draft.id}`)).body.status).toBe('aperto');
  });

  it('versions every change of a published call with old and new values, and tells matching about material ones', async () => {
    const opensAt = daysFromNow(-10);
    const id = await publishedCall({ title: 'Avviso da modificare', windows: [{ opensAt, closesAt: daysFromNow(60) }] });
    const newClose = daysFromNow(90);
    // With review required, a change of a published call goes live as an approved revision.
    const revise = async (input: object) => {
      await put(first, `/api/v1/calls/${id}`, input).expect(200);
      await post(first, `/api/v1/calls/${id}/revision/submit`).expect(200);
      await post(second, `/api/v1/calls/${id}/revision/approve`).expect(200);
      await post(second, `/api/v1/calls/${id}/revision/publish`).expect(200);
    };
    await revise(callInput({ title: 'Avviso da modificare', windows: [{ opensAt, closesAt: newClose }] }));
    await revise(callInput({ title: 'Avviso modificato', windows: [{ opensAt, closesAt: newClose }] }));
    const history = await first.get(`/api/v1/calls/${id}/history`);
    expect(history.body.items[0]).toMatchObject({
      changedBy: { name: 'chiara' },
      changes: { title: { from: 'Avviso da modificare', to: 'Avviso modificato' } },
    });
    expect(history.body.items[1].changes.windows.to[0].closesAt).toBe(newClose);
    expect(history.body.items.map((v: { changes: object }) => Object.keys(v.changes)[0])).toEqual([
      'title',
      'windows',
      'editorialStatus',
      'editorialStatus',
      'editorialStatus',
    ]);
    const kinds = (await events(id)).map((e) => e.kind);
    expect(kinds).toEqual(['call.published', 'call.changed']);
    expect((await events(id))[1]!.payload).toMatchObject({ changedFields: ['windows'] });
    // The public sees what changed and when, not who changed it; drafts stay with the editors.
    const seen = await rtd.get(`/api/v1/calls/${id}/history`);
    expect(seen.status).toBe(200);
    expect(seen.body.items[0]).toMatchObject({ changedBy: null, changes: { title: { from: 'Avviso da modificare', to: 'Avviso modificato' } } });
    // Only the changes of the published call, in plain Italian: not its drafting, review and approval.
    expect(seen.body.items.map((v: { changes: object }) => Object.keys(v.changes))).toEqual([['title'], ['windows']]);
    expect(seen.body.items[0].sentences).toEqual(['Il titolo è cambiato: da «Avviso da modificare» a «Avviso modificato».']);
    expect(seen.body.items[1].sentences[0]).toMatch(/^La scadenza è stata prorogata: dal .+ al .+\.$/);
    expect((await first.get(`/api/v1/calls/${id}/history?scope=published`)).body).toEqual(seen.body);
    const draft = await post(first, '/api/v1/calls', callInput({ title: 'Bozza riservata' }));
    expect((await rtd.get(`/api/v1/calls/${draft.body.id}/history`)).status).toBe(404);
  });

  it('withdraws a published call: it leaves the catalogue and an event says why', async () => {
    const id = await publishedCall({ title: 'Avviso da ritirare' });
    await post(second, `/api/v1/calls/${id}/withdraw`, { reason: 'Avviso annullato dal Dipartimento' }).expect(200);
    expect((await request(ctx.app.server).get(`/api/v1/calls/${id}`)).status).toBe(404);
    expect((await events(id)).at(-1)).toMatchObject({ kind: 'call.withdrawn', payload: { reason: 'Avviso annullato dal Dipartimento' } });
  });

  it('schedules publication for later and publishes when the time comes', async () => {
    const { body: draft } = await post(first, '/api/v1/calls', callInput({ title: 'Avviso programmato' }));
    await post(first, `/api/v1/calls/${draft.id}/submit`).expect(200);
    await post(second, `/api/v1/calls/${draft.id}/approve`).expect(200);
    expect((await post(second, `/api/v1/calls/${draft.id}/schedule`, { publishAt: daysFromNow(-1) })).status).toBe(422);
    const scheduled = await post(second, `/api/v1/calls/${draft.id}/schedule`, { publishAt: daysFromNow(2) });
    expect(scheduled.body).toMatchObject({ editorialStatus: 'scheduled' });
    expect(await publishDueCalls(ctx.db, { now: new Date(), soonDays: 14 })).toBe(0);
    expect(await publishDueCalls(ctx.db, { now: new Date(daysFromNow(3)), soonDays: 14 })).toBe(1);
    expect((await request(ctx.app.server).get(`/api/v1/calls/${draft.id}`)).body.editorialStatus).toBe('published');
  });

  it('merges a duplicate: the call keeps both sources and the duplicate is archived', async () => {
    const keep = await publishedCall({ title: 'Avviso 1.2 Cloud' });
    const { body: duplicate } = await post(first, '/api/v1/calls', callInput({ title: 'Avviso 1.2 Cloud (Italia Domani)' }));
    await ctx.db
      .insertInto('call_sources')
      .values([
        { call_id: keep, source_kind: 'padigitale2026', external_id: 'a', url: null },
        { call_id: duplicate.id, source_kind: 'italiadomani', external_id: 'b', url: 'https://www.italiadomani.gov.it/' },
      ])
      .execute();
    const merged = await post(second, `/api/v1/calls/${keep}/merge`, { duplicateId: duplicate.id });
    expect(merged.body.sources.map((s: { kind: string }) => s.kind)).toEqual(['padigitale2026', 'italiadomani']);
    expect((await second.get(`/api/v1/editorial/calls/${duplicate.id}`)).body.editorialStatus).toBe('archived');
    expect((await post(second, `/api/v1/calls/${keep}/merge`, { duplicateId: keep })).status).toBe(422);
  });
});

describe('GET /api/v1/calls', () => {
  it('derives the status users see from windows and budget, and filters and sorts by it', async () => {
    await publishedCall({ title: 'In arrivo', windows: [{ opensAt: daysFromNow(5), closesAt: daysFromNow(40) }] });
    await publishedCall({ title: 'In scadenza', windows: [{ opensAt: daysFromNow(-30), closesAt: daysFromNow(3) }] });
    await publishedCall({ title: 'Chiuso', windows: [{ opensAt: daysFromNow(-60), closesAt: daysFromNow(-1) }] });
    await publishedCall({ title: 'Esaurito', money: { totalBudget: 1000, remainingBudget: 0 } });
    await publishedCall({
      title: 'Aperto, seconda finestra',
      procedure: 'finestre',
      windows: [
        { opensAt: daysFromNow(-60), closesAt: daysFromNow(-30) },
        { opensAt: daysFromNow(-2), closesAt: daysFromNow(25) },
      ],
    });
    const mine = new Set(['In arrivo', 'In scadenza', 'Chiuso', 'Esaurito', 'Aperto, seconda finestra']);
    const list = async (query: string) =>
      (await request(ctx.app.server).get(`/api/v1/calls?limit=100&${query}`)).body.items
        .filter((c: { title: string }) => mine.has(c.title))
        .map((c: { title: string; status: string }) => `${c.title}: ${c.status}`);
    expect(await list('status=in_arrivo')).toEqual(['In arrivo: in_arrivo']);
    expect(await list('status=in_scadenza')).toEqual(['In scadenza: in_scadenza']);
    expect(await list('status=aperto')).toEqual(['Aperto, seconda finestra: aperto']);
    expect(await list('status=chiuso&status=esaurito&sort=deadline')).toEqual(['Chiuso: chiuso', 'Esaurito: esaurito']);
    // By next deadline: 3 days, 25 (the open window, not the first), 40; the exhausted call closes in 60.
    expect(await list('sort=deadline&status=in_arrivo&status=aperto&status=in_scadenza&status=esaurito')).toEqual([
      'In scadenza: in_scadenza',
      'Aperto, seconda finestra: aperto',
      'In arrivo: in_arrivo',
      'Esaurito: esaurito',
    ]);
    expect(await list('q=scadenza')).toEqual(['In scadenza: in_scadenza']);
    const themed = await request(ctx.app.server).get('/api/v1/calls?theme=piattaforme&bodyType=comune&measure=1.4.5&limit=100');
    expect(themed.body.total).toBeGreaterThan(3);
    expect(themed.body.items).toHaveLength(themed.body.total);
    for (const call of themed.body.items) {
      expect(call.measureCode).toBe('1.4.5');
      expect(call.themes.some((t: string) => t === 'piattaforme' || t.startsWith('piattaforme.'))).toBe(true);
    }
    expect((await request(ctx.app.server).get('/api/v1/calls?theme=piattaforme&measure=1.4.5&bodyType=asl')).body.total).toBe(0);
  });

  it('rejects an unknown status or sort key with 400', async () => {
    expect((await request(ctx.app.server).get('/api/v1/calls?status=forse')).status).toBe(400);
    expect((await request(ctx.app.server).get('/api/v1/calls?sort=titolo')).status).toBe(400);
  });
});
