import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { processCallEvents, processRematchQueue } from '../../server/src/modules/matching/matching.jobs.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';

const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false' } });
const SMALL = '019001';
const LARGE = '019035';
const UNKNOWN = '099999';
let editor: Agent;
let rtd: Agent;
const ids: Record<string, string> = {};

const anonymous = () => request(ctx.app.server);
type Item = { call: { id: string; status: string; nextDeadline: string | null }; verdict: string };

async function publish(name: string, over: Parameters<typeof callInput>[0]) {
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(callInput({ title: `Avviso ${name} per i comuni`, ...over }));
  await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  ids[name] = body.id;
}

beforeAll(async () => {
  await createComune(ctx.db, SMALL, 'Agnadello', 3000);
  await createComune(ctx.db, LARGE, 'Crema', 34_000);
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'rtd@example.it', 'rtd', [SMALL]);
  editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  rtd = await loginAs(ctx.app, 'rtd@example.it');
  // A planned intervention the calls fund: the private list names it, the public one must not.
  await rtd
    .post(`/api/v1/comuni/${SMALL}/programming`)
    .set('x-csrf-token', rtd.csrf)
    .send({
      code: 'PT-1',
      title: 'Notifiche digitali con SEND',
      themes: ['piattaforme.send'],
      startYear: 2026,
      endYear: 2027,
      estimatedCost: 20000,
      priority: 'high',
    })
    .expect(201);
  await publish('aperto', { windows: [{ opensAt: daysFromNow(-10), closesAt: daysFromNow(40) }] });
  await publish('in scadenza', { windows: [{ opensAt: daysFromNow(-10), closesAt: daysFromNow(5) }] });
  await publish('in arrivo', { windows: [{ opensAt: daysFromNow(10), closesAt: daysFromNow(70) }] });
  await publish('associato', {
    eligibility: { bodyTypes: ['comune'], aggregation: 'required', exclusions: [], conditions: ['Progetto approvato dalla giunta'] },
    windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(20) }],
  });
  await publish('chiuso', { windows: [{ opensAt: daysFromNow(-30), closesAt: daysFromNow(30) }] });
  await publish('piccoli comuni', {
    eligibility: { bodyTypes: ['comune'], population: { max: 15000 }, aggregation: 'allowed', exclusions: [], conditions: [] },
  });
  await processCallEvents(ctx.app);
  // The last call closes after it was matched: its stored match stays, but it is no longer open.
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('call_windows')
      .set({ closes_at: new Date(Date.now() - 86_400_000) })
      .where('call_id', '=', ids.chiuso!)
      .execute();
    await trx
      .updateTable('calls')
      .set({ closes_at: new Date(Date.now() - 86_400_000) })
      .where('id', '=', ids.chiuso!)
      .execute();
  });
});

describe('GET /api/v1/comuni/:istat/open-calls', () => {
  it('answers anonymous visitors with the open and upcoming calls the comune can use, by deadline', async () => {
    const res = await anonymous().get(`/api/v1/comuni/${SMALL}/open-calls`);
    expect(res.status).toBe(200);
    const items = res.body.items as Item[];
    expect(items.map((i) => i.call.id)).toEqual([ids['in scadenza'], ids.associato, ids.aperto, ids['piccoli comuni'], ids['in arrivo']]);
    expect(items.map((i) => i.call.status)).toEqual(['in_scadenza', 'aperto', 'aperto', 'aperto', 'in_arrivo']);
    const deadlines = items.map((i) => Date.parse(i.call.nextDeadline!));
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
    expect(res.body).toMatchObject({ total: 5, limit: 20, offset: 0, _links: { self: { href: `/api/v1/comuni/${SMALL}/open-calls?offset=0` } } });
  });

  it('shows verdict, estimated amount, days left and warnings, and nothing of score or programming', async () => {
    const { body } = await anonymous().get(`/api/v1/comuni/${SMALL}/open-calls`);
    for (const item of body.items) expect(Object.keys(item).sort()).toEqual(['amount', 'call', 'daysLeft', 'verdict', 'warnings']);
    expect(Object.keys(body.items[0].call).sort()).toEqual(['demo', 'id', 'issuer', 'measureCode', 'nextDeadline', 'programme', 'status', 'themes', 'title']);
    const [soon, associated] = body.items;
    expect(soon).toMatchObject({
      verdict: 'eligible',
      amount: { min: 23147, max: 23147, basis: expect.stringContaining('fascia') },
      daysLeft: 5,
      warnings: ['Scade tra 5 giorni.'],
    });
    expect(associated).toMatchObject({ verdict: 'eligible_via_aggregation', warnings: ['Partecipazione solo in forma associata.'] });
    expect(JSON.stringify(body)).not.toContain('Notifiche digitali con SEND');
    // The same match seen by the comune's RTD does name the planned intervention.
    const mine = await rtd.get(`/api/v1/comuni/${SMALL}/opportunities/${ids.aperto}`);
    expect(mine.body.reasons.fundableItems.map((i: { title: string }) => i.title)).toEqual(['Notifiche digitali con SEND']);
  });

  it('pages with the shared contract', async () => {
    const { body } = await anonymous().get(`/api/v1/comuni/${SMALL}/open-calls?limit=2&offset=2`);
    expect(body.items.map((i: Item) => i.call.id)).toEqual([ids.aperto, ids['piccoli comuni']]);
    expect(body._links).toEqual({
      self: { href: `/api/v1/comuni/${SMALL}/open-calls?limit=2&offset=2` },
      next: { href: `/api/v1/comuni/${SMALL}/open-calls?limit=2&offset=4` },
      prev: { href: `/api/v1/comuni/${SMALL}/open-calls?limit=2&offset=0` },
    });
  });

  it('leaves out the calls a larger comune cannot use', async () => {
    const { body } = await anonymous().get(`/api/v1/comuni/${LARGE}/open-calls`);
    expect(body.items.map((i: Item) => i.call.id)).not.toContain(ids['piccoli comuni']);
    expect(body.total).toBe(4);
  });

  it("follows a change to the comune's matches at once, though the list is kept in memory", async () => {
    const listed = async () => ((await anonymous().get(`/api/v1/comuni/${SMALL}/open-calls`)).body.items as Item[]).map((i) => i.call.id);
    expect(await listed()).toContain(ids.aperto);
    // A match deleted with the triggers off, so no process is told: the page still comes from memory.
    await ctx.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await trx.deleteFrom('matches').where('comune_istat', '=', SMALL).where('call_id', '=', ids.aperto!).execute();
    });
    expect(await listed()).toContain(ids.aperto);
    // Another process's write to this comune's matches reaches this one by notification.
    await ctx.db.updateTable('matches').set({ computed_at: new Date() }).where('comune_istat', '=', SMALL).execute();
    await waitFor(async () => !(await listed()).includes(ids.aperto!), 5000, 'the public page to follow the change');
    // This process's own rematch (a profile change) shows on the very next visit.
    await rtd
      .post(`/api/v1/comuni/${SMALL}/programming`)
      .set('x-csrf-token', rtd.csrf)
      .send({ code: 'PT-2', title: 'Sito web comunale', themes: ['piattaforme.send'], startYear: 2026, endYear: 2026, estimatedCost: 5000, priority: 'low' })
      .expect(201);
    await processRematchQueue(ctx.app);
    expect(await listed()).toContain(ids.aperto);
  });

  it('answers 404 problem+json for an unknown comune', async () => {
    const res = await anonymous().get(`/api/v1/comuni/${UNKNOWN}/open-calls`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'COMUNE_NOT_FOUND', instance: `/api/v1/comuni/${UNKNOWN}/open-calls` });
  });
});

describe('GET /api/v1/comuni/:istat/open-calls/:callId', () => {
  it('gives anonymous visitors every condition of the call checked for the comune, without score or programming', async () => {
    const res = await anonymous().get(`/api/v1/comuni/${SMALL}/open-calls/${ids.associato}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['amount', 'call', 'checks', 'daysLeft', 'population', 'verdict', 'warnings']);
    expect(res.body.population).toMatchObject({ value: 3000, basis: 'resident' });
    expect(res.body.verdict).toBe('eligible_via_aggregation');
    expect(res.body.checks).toContainEqual({ rule: 'aggregation', outcome: 'via_aggregation', message: expect.stringContaining('forma associata') });
    expect(res.body.checks).toContainEqual({ rule: 'condition', outcome: 'unverifiable', message: 'Progetto approvato dalla giunta' });
    expect(res.body.amount).toMatchObject({ min: 23147, max: 23147 });
  });

  it('explains why a comune cannot use a call', async () => {
    const res = await anonymous().get(`/api/v1/comuni/${LARGE}/open-calls/${ids['piccoli comuni']}`);
    expect(res.status).toBe(200);
    expect(res.body.verdict).toBe('not_eligible');
    expect(res.body.checks).toContainEqual({
      rule: 'population',
      outcome: 'fail',
      message: 'La popolazione (popolazione residente ISTAT: 34.000) supera il limite di 15.000 abitanti.',
    });
  });

  it('answers 404 problem+json for an unknown comune or call', async () => {
    const comune = await anonymous().get(`/api/v1/comuni/${UNKNOWN}/open-calls/${ids.aperto}`);
    expect(comune.status).toBe(404);
    expect(comune.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(comune.body.code).toBe('COMUNE_NOT_FOUND');
    const call = await anonymous().get(`/api/v1/comuni/${SMALL}/open-calls/00000000-0000-4000-8000-000000000000`);
    expect(call.status).toBe(404);
    expect(call.body.code).toBe('CALL_NOT_FOUND');
  });
});
