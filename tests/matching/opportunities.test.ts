import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { processCallEvents, processRematchQueue } from '../../server/src/modules/matching/matching.jobs.ts';
import { rematchAll, rematchComuni } from '../../server/src/modules/matching/matching.service.ts';
import { seedDemo } from '../../seeds/demo.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';

const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false' } });
let editor: Agent;
let rtd: Agent;
let small: string;
let callId: string;

beforeAll(async () => {
  await seedDemo(ctx.db);
  // A small demo comune whose plan has an unfunded pagoPA intervention.
  const row = await ctx.db
    .selectFrom('programming_items as p')
    .innerJoin('programming_item_themes as t', 't.item_id', 'p.id')
    .innerJoin('comuni as c', 'c.istat', 'p.comune_istat')
    .select('p.comune_istat')
    .where('t.theme_code', '=', 'piattaforme.pagopa')
    .where('p.funding_status', '!=', 'funded')
    .where('p.status', 'in', ['planned', 'in_progress'])
    .where('c.resident_population', '<', 15000)
    .orderBy('p.comune_istat')
    .executeTakeFirstOrThrow();
  small = row.comune_istat;
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'rtd@example.it', 'rtd', [small, '019035']);
  editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  rtd = await loginAs(ctx.app, 'rtd@example.it');
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(
      callInput({
        title: 'Pagamenti digitali nei piccoli comuni',
        themes: ['piattaforme.pagopa'],
        eligibility: { bodyTypes: ['comune'], population: { max: 15000 }, aggregation: 'allowed', exclusions: [], conditions: [] },
        money: {
          totalBudget: 1_000_000,
          amount: {
            kind: 'brackets',
            brackets: [
              { populationMin: 0, populationMax: 5000, amount: 20000 },
              { populationMin: 5001, populationMax: null, amount: 30000 },
            ],
          },
        },
        windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(20) }],
      }),
    );
  callId = body.id;
  await editor.post(`/api/v1/calls/${callId}/publish`).set('x-csrf-token', editor.csrf).expect(200);
});

describe('matching through domain events', () => {
  it('matches a newly published call against every comune, with amount and the interventions it funds', async () => {
    expect(await processCallEvents(ctx.app)).toBe(1);
    const count = await ctx.db
      .selectFrom('matches')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('call_id', '=', callId)
      .executeTakeFirstOrThrow();
    const comuni = await ctx.db
      .selectFrom('comuni')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    // Stored: the comuni that can use it, i.e. all but the 13 demo comuni above 15,000 residents.
    expect(count.n).toBe(comuni.n - 13);
    const res = await rtd.get(`/api/v1/comuni/${small}/opportunities`);
    expect(res.status).toBe(200);
    const [first] = res.body.items;
    expect(first).toMatchObject({ call: { id: callId, status: 'aperto' }, verdict: 'eligible', reasons: { matchedThemes: ['piattaforme.pagopa'] } });
    expect(first.reasons.fundableItems.length).toBeGreaterThan(0);
    expect(first.amount.min).toBeGreaterThanOrEqual(20000);
    expect(first.score).toBeGreaterThan(30);
  });

  it('sums up the open opportunities at the top of every page, whatever its filters', async () => {
    const open = await rtd.get(`/api/v1/comuni/${small}/opportunities?status=aperto&status=in_scadenza&sort=deadline&limit=100`);
    const items = open.body.items as { amount: { max: number } | null; call: { nextDeadline: string | null } }[];
    expect(items.length).toBeGreaterThan(0);
    const expected = {
      count: open.body.total,
      amount: items.reduce((sum, o) => sum + (o.amount?.max ?? 0), 0),
      nextDeadline:
        items
          .map((o) => o.call.nextDeadline)
          .filter((d) => d !== null)
          .sort()[0] ?? null,
    };
    expect(open.body.summary).toEqual(expected);
    // A page filtered down to nothing still carries the comune's figures.
    const filtered = await rtd.get(`/api/v1/comuni/${small}/opportunities?programme=ue&status=chiuso`);
    expect(filtered.body.total).toBe(0);
    expect(filtered.body.summary).toEqual(expected);
  });

  it('tells editors and viewers whom a call reaches, and previews a draft without storing', async () => {
    const reach = await editor.get(`/api/v1/calls/${callId}/matches?limit=3`);
    expect(reach.status).toBe(200);
    // 13 demo comuni have more than 15,000 residents (Casalmaggiore: 15,095 residents, 14,974 legal).
    expect(reach.body.reach.notEligible).toBeUndefined();
    const comuni = await ctx.db
      .selectFrom('comuni')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(reach.body.total).toBe(comuni.n - 13);
    expect(reach.body.reach.eligible).toBe(reach.body.total);
    expect(reach.body.reach.bySizeClass['oltre-15000']).toBeUndefined();
    expect(reach.body.items).toHaveLength(3);
    expect(reach.body.items[0].score).toBeGreaterThanOrEqual(reach.body.items[2].score);
    const { body: draft } = await editor
      .post('/api/v1/calls')
      .set('x-csrf-token', editor.csrf)
      .send(
        callInput({
          title: 'Bozza per la Valtellina',
          eligibility: { bodyTypes: ['comune'], territory: { provinces: ['SO'] }, aggregation: 'allowed', exclusions: [], conditions: [] },
        }),
      );
    const preview = await editor.post(`/api/v1/calls/${draft.id}/match-preview`).set('x-csrf-token', editor.csrf);
    expect(preview.body).toMatchObject({ eligible: 7, notEligible: 0, byProvince: { SO: 7 } });
    expect((await rtd.post(`/api/v1/calls/${draft.id}/match-preview`).set('x-csrf-token', rtd.csrf)).status).toBe(403);
  });

  it('explains why a larger comune is not eligible', async () => {
    const res = await rtd.get(`/api/v1/comuni/019035/opportunities/${callId}`);
    expect(res.body.verdict).toBe('not_eligible');
    expect(res.body.checks).toContainEqual({
      rule: 'population',
      outcome: 'fail',
      message: 'La popolazione (popolazione residente ISTAT al 31 dicembre 2021: 34.012) supera il limite di 15.000 abitanti.',
    });
    const filtered = await rtd.get('/api/v1/comuni/019035/opportunities?verdict=eligible');
    expect(filtered.body.total).toBe(0);
  });

  it('stores matches only for the comuni a call is addressed to, and still explains it to the others', async () => {
    const { body: regional } = await editor
      .post('/api/v1/calls')
      .set('x-csrf-token', editor.csrf)
      .send(
        callInput({
          title: 'Biblioteca digitale di Crema',
          eligibility: { bodyTypes: ['comune'], territory: { comuni: ['019035'] }, aggregation: 'allowed', exclusions: [], conditions: [] },
        }),
      );
    await editor.post(`/api/v1/calls/${regional.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
    await processCallEvents(ctx.app);
    const stored = await ctx.db.selectFrom('matches').select('comune_istat').where('call_id', '=', regional.id).execute();
    expect(stored).toEqual([{ comune_istat: '019035' }]);
    expect((await rtd.get(`/api/v1/comuni/${small}/opportunities`)).body.items.map((o: { call: { id: string } }) => o.call.id)).not.toContain(regional.id);
    const detail = await rtd.get(`/api/v1/comuni/${small}/opportunities/${regional.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.verdict).toBe('not_eligible');
    expect(detail.body.checks).toContainEqual({ rule: 'territory', outcome: 'fail', message: 'Il comune non è nel territorio a cui il bando è rivolto.' });
    await editor.post(`/api/v1/calls/${regional.id}/withdraw`).set('x-csrf-token', editor.csrf).send({ reason: 'Solo per la prova' }).expect(200);
    await processCallEvents(ctx.app);
    expect((await rtd.get(`/api/v1/comuni/${small}/opportunities/${regional.id}`)).status).toBe(404);
  });

  it('matches a comune again when its plan changes', async () => {
    await processRematchQueue(ctx.app);
    const item = {
      code: 'PT-NEW',
      title: 'Incassi con pagoPA per la biblioteca',
      themes: ['piattaforme.pagopa'],
      startYear: 2026,
      endYear: 2026,
      estimatedCost: 5000,
      priority: 'high',
    };
    await rtd.post(`/api/v1/comuni/${small}/programming`).set('x-csrf-token', rtd.csrf).send(item).expect(201);
    expect(await processRematchQueue(ctx.app)).toBeGreaterThan(0);
    const [first] = (await rtd.get(`/api/v1/comuni/${small}/opportunities`)).body.items;
    expect(first.reasons.fundableItems.map((i: { title: string }) => i.title)).toContain('Incassi con pagoPA per la biblioteca');
  });

  it('recognises by its words an intervention filed under another theme (Italian stems from PostgreSQL)', async () => {
    const item = {
      code: 'PT-TXT',
      title: 'Pagamento digitale della mensa scolastica',
      themes: ['servizi.esperienza-cittadino'],
      startYear: 2026,
      endYear: 2026,
      estimatedCost: 8000,
      priority: 'medium',
    };
    await rtd.post(`/api/v1/comuni/${small}/programming`).set('x-csrf-token', rtd.csrf).send(item).expect(201);
    await processRematchQueue(ctx.app);
    const res = await rtd.get(`/api/v1/comuni/${small}/opportunities/${callId}`);
    expect(res.body.reasons.similarItems.map((i: { title: string }) => i.title)).toEqual(['Pagamento digitale della mensa scolastica']);
    expect(res.body.components.text).toBeGreaterThan(0);
  });

  it('serves the list from memory and drops it when matches change in any process', async () => {
    const list = async () => (await rtd.get(`/api/v1/comuni/${small}/opportunities`)).body.total as number;
    const before = await list();
    expect(before).toBeGreaterThan(0);
    // A match deleted with the triggers off, so no process is told: the list still comes from memory.
    await ctx.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await trx.deleteFrom('matches').where('comune_istat', '=', small).where('call_id', '=', callId).execute();
    });
    expect(await list()).toBe(before);
    // As the CLI or another app process would: a write on its own connection, no call into this app.
    await rematchAll(ctx.db, { now: new Date(), soonDays: 14 });
    await ctx.db.deleteFrom('matches').where('comune_istat', '=', small).where('call_id', '=', callId).execute();
    await waitFor(async () => (await list()) === before - 1, 5000, 'the cached list to follow the change');
    await rematchAll(ctx.db, { now: new Date(), soonDays: 14 });
    await waitFor(async () => (await list()) === before, 5000, 'the rematched list');
  });

  it('keeps the other comuni in memory when an editor saves a draft or one comune is rematched', async () => {
    const clock = { now: new Date(), soonDays: 14 };
    await rematchAll(ctx.db, clock);
    const other = (
      await ctx.db
        .selectFrom('matches')
        .select('comune_istat')
        .where('call_id', '=', callId)
        .where('comune_istat', '!=', small)
        .orderBy('comune_istat')
        .executeTakeFirstOrThrow()
    ).comune_istat;
    await createTestUser(ctx.db, 'rtd.altro@example.it', 'rtd', [other]);
    const neighbour = await loginAs(ctx.app, 'rtd.altro@example.it');
    const total = async (agent: Agent, istat: string) => (await agent.get(`/api/v1/comuni/${istat}/opportunities`)).body.total as number;
    const [mine, theirs] = [await total(rtd, small), await total(neighbour, other)];
    // Both comuni lose the match unseen (triggers off): from now on each list is told apart by being stale.
    await ctx.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await trx.deleteFrom('matches').where('call_id', '=', callId).where('comune_istat', 'in', [small, other]).execute();
    });
    await editor
      .post('/api/v1/calls')
      .set('x-csrf-token', editor.csrf)
      .send(callInput({ title: 'Una bozza che nessun comune vede' }))
      .expect(201);
    // One comune rematched on its own connection, as a worker process would after a profile change.
    await rematchComuni(ctx.db, [small], clock);
    await waitFor(async () => (await total(rtd, small)) === mine, 5000, 'the rematched comune to be read again');
    expect(await total(neighbour, other)).toBe(theirs);
    await rematchAll(ctx.db, clock);
  });

  it('drops the matches of a withdrawn call, and only the RTD of the comune sees them', async () => {
    expect((await request(ctx.app.server).get(`/api/v1/comuni/${small}/opportunities`)).status).toBe(401);
    await editor.post(`/api/v1/calls/${callId}/withdraw`).set('x-csrf-token', editor.csrf).send({ reason: 'Errore materiale' }).expect(200);
    await processCallEvents(ctx.app);
    expect((await rtd.get(`/api/v1/comuni/${small}/opportunities`)).body.total).toBe(0);
  });

  it('recomputes everything on demand', async () => {
    const { body } = await editor
      .post('/api/v1/calls')
      .set('x-csrf-token', editor.csrf)
      .send(callInput({ title: 'Servizi pagoPA per tutti i comuni', themes: ['piattaforme.pagopa'] }));
    await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
    // Nothing stored for it yet: the call events are not processed.
    await ctx.db.deleteFrom('matches').execute();
    const report = await rematchAll(ctx.db, { now: new Date(), soonDays: 14 });
    const stored = await ctx.db.selectFrom('matches').select(['call_id', 'comune_istat']).execute();
    expect(report.calls).toBe(1);
    expect(report.matches).toBe(stored.length);
    expect(stored.length).toBeGreaterThan(1);
    expect(stored.every((m) => m.call_id === body.id)).toBe(true);
    expect(stored.map((m) => m.comune_istat)).toContain(small);
  });
});
