import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { processCallEvents } from '../../server/src/modules/matching/matching.jobs.ts';
import { seedDemo } from '../../seeds/demo.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';

const DEMO_PASSWORD = 'Cruscotto-Demo-2026';
const OFFICE = ['019005', '019062', '019067', '019109', '019111'];
const CREMA = '019035';
const FORMULA_TITLE = '=HYPERLINK("https://example.invalid","Avviso")';

const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false' } });
let office: Agent;
let crema: Agent;
let smallCalls: string;
let everyone: string;

async function publish(editor: Agent, over: Parameters<typeof callInput>[0]): Promise<string> {
  const { body } = await editor.post('/api/v1/calls').set('x-csrf-token', editor.csrf).send(callInput(over));
  await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  return body.id;
}

beforeAll(async () => {
  await seedDemo(ctx.db);
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  const editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  // Only comuni up to 15,000 inhabitants: the five of the Cremasco office, not Crema.
  smallCalls = await publish(editor, {
    title: FORMULA_TITLE,
    programme: { kind: 'regionale', code: null },
    eligibility: { bodyTypes: ['comune'], population: { max: 15000 }, aggregation: 'allowed', exclusions: [], conditions: [] },
    windows: [{ opensAt: daysFromNow(-1), closesAt: '2030-03-15T11:00:00.000Z' }],
  });
  everyone = await publish(editor, { title: 'Notifiche digitali per tutti i comuni', windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(20) }] });
  await processCallEvents(ctx.app);
  office = await loginAs(ctx.app, 'rtd.cremasco@demo.cruscotto.it', DEMO_PASSWORD);
  crema = await loginAs(ctx.app, 'rtd.crema@demo.cruscotto.it', DEMO_PASSWORD);
});

describe('GET /api/v1/me/opportunities', () => {
  it('gives the associated office one row per comune and open call, for all five comuni', async () => {
    const res = await office.get('/api/v1/me/opportunities?limit=100');
    expect(res.status).toBe(200);
    expect(res.body.comuni.map((c: { istat: string }) => c.istat).sort()).toEqual(OFFICE);
    const rows = res.body.items as {
      comune: { istat: string; name: string };
      call: { id: string; nextDeadline: string | null };
      amount: { max: number } | null;
      verdict: string;
    }[];
    expect(res.body.total).toBe(rows.length);
    for (const id of [smallCalls, everyone])
      expect(
        rows
          .filter((r) => r.call.id === id)
          .map((r) => r.comune.istat)
          .sort(),
      ).toEqual(OFFICE);
    const bagnolo = rows.find((r) => r.call.id === everyone && r.comune.istat === '019005')!;
    expect(bagnolo).toMatchObject({ comune: { name: 'Bagnolo Cremasco' }, call: { demo: false }, verdict: 'eligible', amount: { max: 32589 } });
    // By deadline first: the call closing in 20 days before the one closing in 2030.
    const deadlines = rows.map((r) => r.call.nextDeadline ?? '9999');
    expect(deadlines).toEqual([...deadlines].sort());
    expect(rows.find((r) => r.call.id === smallCalls)!.call.nextDeadline).toBe('2030-03-15T11:00:00.000Z');
  });

  it('gives an RTD of one comune only that comune', async () => {
    const res = await crema.get('/api/v1/me/opportunities?limit=100');
    expect(res.status).toBe(200);
    expect(res.body.comuni).toEqual([{ istat: CREMA, name: 'Crema', provinceSigla: 'CR', count: res.body.total }]);
    const istats = new Set(res.body.items.map((r: { comune: { istat: string } }) => r.comune.istat));
    expect([...istats]).toEqual([CREMA]);
    expect(res.body.items.some((r: { call: { id: string } }) => r.call.id === smallCalls)).toBe(false);
    // Another comune asked for by code yields nothing: the filter narrows the person's own comuni only.
    expect((await crema.get('/api/v1/me/opportunities?comune=019005')).body.total).toBe(0);
  });

  it('filters by comune, programme, verdict and status, sorts and pages', async () => {
    const one = await office.get('/api/v1/me/opportunities?comune=019005&comune=019111&limit=100');
    expect(new Set(one.body.items.map((r: { comune: { istat: string } }) => r.comune.istat))).toEqual(new Set(['019005', '019111']));
    // The per-comune counts ignore the comune filter, so the filter list keeps every comune.
    expect(one.body.comuni).toHaveLength(5);
    const regional = await office.get('/api/v1/me/opportunities?programme=regionale&limit=100');
    expect(regional.body.items.map((r: { call: { id: string } }) => r.call.id)).toEqual(Array(5).fill(smallCalls));
    const viaAggregation = await office.get('/api/v1/me/opportunities?verdict=eligible_via_aggregation');
    expect(viaAggregation.body.items.every((r: { verdict: string }) => r.verdict === 'eligible_via_aggregation')).toBe(true);
    const alone = await office.get('/api/v1/me/opportunities?verdict=eligible');
    const all = await office.get('/api/v1/me/opportunities');
    expect(alone.body.total).toBeGreaterThan(0);
    expect(alone.body.total + viaAggregation.body.total).toBe(all.body.total);
    expect(
      (await office.get('/api/v1/me/opportunities?status=in_arrivo')).body.items.every((r: { call: { status: string } }) => r.call.status === 'in_arrivo'),
    ).toBe(true);
    const byAmount = (await office.get('/api/v1/me/opportunities?sort=-amount&limit=100')).body.items.map(
      (r: { amount: { max: number } | null }) => r.amount?.max ?? -1,
    );
    expect(byAmount).toEqual([...byAmount].sort((a, b) => b - a));
    const page = await office.get('/api/v1/me/opportunities?limit=3&offset=3');
    expect(page.body).toMatchObject({ limit: 3, offset: 3 });
    expect(page.body._links.prev.href).toContain('offset=0');
    expect((await office.get('/api/v1/me/opportunities?status=chiuso')).status).toBe(400);
  });

  it('exports the filtered rows as CSV with Italian headers and formula-looking text neutralised', async () => {
    const res = await office
      .get('/api/v1/me/opportunities?programme=regionale')
      .set('accept', 'text/csv')
      .buffer(true)
      .parse((r, done) => {
        let text = '';
        r.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        r.on('end', () => done(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('bandi-dei-miei-comuni.csv');
    const lines = (res.body as string)
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(
      'Codice ISTAT;Comune;Bando;Ente erogatore;Programma;Misura;Stato;Partecipazione;Pertinenza;Importo stimato minimo (€);Importo stimato massimo (€);Scadenza;Dimostrativo',
    );
    expect(lines).toHaveLength(6);
    const bagnolo = lines.find((l) => l.startsWith('019005;'))!;
    expect(bagnolo).toContain(`;"'=HYPERLINK(""https://example.invalid"",""Avviso"")";`);
    expect(bagnolo).toContain(';32589,00;32589,00;15/03/30, 12:00');
  });

  it("keeps the office's list until one of its comuni's matches changes", async () => {
    const bagnolo = async () =>
      ((await office.get('/api/v1/me/opportunities?comune=019005').expect(200)).body.items as { call: { id: string } }[]).map((r) => r.call.id).sort();
    expect(await bagnolo()).toEqual([smallCalls, everyone].sort());
    // Removed unseen (triggers off): the list is the one kept.
    await ctx.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await trx.deleteFrom('matches').where('comune_istat', '=', '019005').where('call_id', '=', smallCalls).execute();
    });
    expect(await bagnolo()).toEqual([smallCalls, everyone].sort());
    // A rematch of Bagnolo, as the matcher writes it: its list, and so the office's, is built again.
    await ctx.db.deleteFrom('matches').where('comune_istat', '=', '019005').where('call_id', '=', everyone).execute();
    await waitFor(async () => (await bagnolo()).length === 0, 5000, "Bagnolo's rows to go");
  });

  it('is personal: 401 without a session, 403 for an API token', async () => {
    const anonymous = await request(ctx.app.server).get('/api/v1/me/opportunities');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
    const admin = await loginAs(ctx.app, 'admin@demo.cruscotto.it', DEMO_PASSWORD);
    const minted = await admin.post('/api/v1/api-tokens').set('x-csrf-token', admin.csrf).send({ name: 'Gestionale', role: 'rtd', comuni: OFFICE });
    expect(minted.status).toBe(201);
    const token = await request(ctx.app.server).get('/api/v1/me/opportunities').set('authorization', `Bearer ${minted.body.secret}`);
    expect(token.status).toBe(403);
    expect(token.body.code).toBe('TOKEN_NOT_ALLOWED');
  });
});
