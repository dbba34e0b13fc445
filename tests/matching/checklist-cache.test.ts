import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { notifyComuniChanged } from '../../server/src/modules/comuni/index.ts';
import { daysLeftChangeAt } from '../../server/src/modules/matching/matching.queries.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';

// A call's checklist for a comune is kept in memory (about 8 ms of CPU each): these tests check that
// every change a user can make, here or in another process, and the clock itself, show on the next read.
const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false' } });
const COMUNE = '019990';
let editor: Agent;
let rtd: Agent;

async function publish(over: Parameters<typeof callInput>[0] = {}): Promise<string> {
  const draft = await editor.post('/api/v1/calls').set('x-csrf-token', editor.csrf).send(callInput(over)).expect(201);
  await editor.post(`/api/v1/calls/${draft.body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  return draft.body.id as string;
}

const checklist = async (callId: string) => (await rtd.get(`/api/v1/comuni/${COMUNE}/opportunities/${callId}`).expect(200)).body;
const fundable = async (callId: string) => ((await checklist(callId)).reasons.fundableItems as { title: string }[]).map((i) => i.title);

beforeAll(async () => {
  await createComune(ctx.db, COMUNE, 'Borgo della Prova', 1800);
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'rtd@example.it', 'rtd', [COMUNE]);
  editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  rtd = await loginAs(ctx.app, 'rtd@example.it');
});

describe("a call's checklist for a comune", () => {
  it('is computed once and served from memory until the call changes in any process', async () => {
    const callId = await publish({ title: 'Archivi digitali dei piccoli comuni' });
    expect((await checklist(callId)).call.title).toBe('Archivi digitali dei piccoli comuni');
    // Renamed with the triggers off, so no process is told: the checklist still comes from memory.
    await ctx.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await trx.updateTable('calls').set({ title: 'Titolo mai annunciato' }).where('id', '=', callId).execute();
    });
    expect((await checklist(callId)).call.title).toBe('Archivi digitali dei piccoli comuni');
    // As another app process would: a write on its own connection, told through the trigger.
    await ctx.db.updateTable('calls').set({ title: 'Archivi digitali, seconda finestra' }).where('id', '=', callId).execute();
    await waitFor(async () => (await checklist(callId)).call.title === 'Archivi digitali, seconda finestra', 5000, 'the renamed call');
  });

  it('shows an intervention the RTD adds on the next click, and one added by another process soon after', async () => {
    const callId = await publish({ title: 'Pagamenti pagoPA', themes: ['piattaforme.pagopa'] });
    expect(await fundable(callId)).toEqual([]);
    const item = { title: 'Incassi pagoPA della mensa', themes: ['piattaforme.pagopa'], startYear: 2026, endYear: 2027, estimatedCost: 9000 };
    await rtd.post(`/api/v1/comuni/${COMUNE}/programming`).set('x-csrf-token', rtd.csrf).send(item).expect(201);
    expect(await fundable(callId)).toEqual(['Incassi pagoPA della mensa']);

    await ctx.db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('programming_items')
        .values({
          comune_istat: COMUNE,
          code: 'PT-ALTRO',
          title: 'Avvisi pagoPA agli utenti',
          start_year: 2026,
          end_year: 2026,
          priority: 'high',
          status: 'planned',
          funding_status: 'unfunded',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('programming_item_themes').values({ item_id: id, theme_code: 'piattaforme.pagopa' }).execute();
      await notifyComuniChanged(trx, COMUNE);
    });
    await waitFor(async () => (await fundable(callId)).includes('Avvisi pagoPA agli utenti'), 5000, 'the intervention added elsewhere');
  });

  it('is gone the moment the editor withdraws the call, for the RTD and on the public page', async () => {
    const callId = await publish({ title: 'Avviso che sarà ritirato' });
    await checklist(callId);
    const visitor = request(ctx.app.server);
    await visitor.get(`/api/v1/comuni/${COMUNE}/open-calls/${callId}`).expect(200);
    await editor.post(`/api/v1/calls/${callId}/withdraw`).set('x-csrf-token', editor.csrf).send({ reason: 'Pubblicato per errore' }).expect(200);
    expect((await rtd.get(`/api/v1/comuni/${COMUNE}/opportunities/${callId}`)).status).toBe(404);
    expect((await visitor.get(`/api/v1/comuni/${COMUNE}/open-calls/${callId}`)).status).toBe(404);
  });

  it('follows the clock: a call read while open is closed once its deadline passes', async () => {
    const closesAt = new Date(Date.now() + 3000).toISOString();
    const callId = await publish({ title: 'Sportello che chiude tra poco', windows: [{ opensAt: daysFromNow(-5), closesAt }] });
    const open = await checklist(callId);
    expect(open.call).toMatchObject({ status: 'in_scadenza', nextDeadline: closesAt });
    await new Promise((done) => setTimeout(done, Date.parse(closesAt) - Date.now() + 50));
    expect((await checklist(callId)).call.status).toBe('chiuso');
  });

  it('is sent as rendered only until its days left change, at the hour of the deadline', () => {
    const DAY = 86_400_000;
    const daysLeft = (deadline: number, at: number) => Math.ceil((deadline - at) / DAY);
    const now = Date.parse('2026-11-30T15:00:00Z');
    for (const deadline of [now + 2.5 * DAY, now + 2 * DAY, now + 1, now - 0.5 * DAY]) {
      const change = daysLeftChangeAt(deadline, now);
      expect(change).toBeGreaterThan(now);
      expect(daysLeft(deadline, change - 1)).toBe(daysLeft(deadline, now));
      expect(daysLeft(deadline, change)).toBe(daysLeft(deadline, now) - 1);
    }
    expect(daysLeftChangeAt(null, now)).toBe(Infinity);
  });
});
