import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCall } from '../../server/src/modules/calls/calls.service.ts';
import { clockAt } from '../../server/src/shared/clock.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput } from '../helpers/calls.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';

// The applications' lists are kept in memory by comuni and filters: every change a user or another
// process makes to an application, a step, a call or a comune shows on the next read of the board.
const ctx = useTestApp();
const CREMA = '019035';
const OFFANENGO = '019063';
let callId: string;
let office: Agent;
let admin: Agent;

type Board = { total: number; items: { istat: string; comune: string; callTitle: string; status: string; nextStep: { title: string } | null }[] };
const board = async (agent: Agent = office): Promise<Board> => (await agent.get('/api/v1/applications/board?limit=100').expect(200)).body;
const row = async (istat: string, agent?: Agent) => (await board(agent)).items.find((i) => i.istat === istat);

beforeAll(async () => {
  await createComune(ctx.db, CREMA, 'Crema');
  await createComune(ctx.db, OFFANENGO, 'Offanengo');
  callId = await ctx.db
    .transaction()
    .execute((trx) => createCall(trx, { request: null, userId: null }, callInput({ title: 'Avviso Misura 1.4.1' }), clockAt(14), { status: 'published' }));
  await createTestUser(ctx.db, 'ufficio@cremasco.it', 'rtd', [CREMA, OFFANENGO]);
  await createTestUser(ctx.db, 'admin@example.it', 'admin');
  office = await loginAs(ctx.app, 'ufficio@cremasco.it');
  admin = await loginAs(ctx.app, 'admin@example.it');
  for (const istat of [CREMA, OFFANENGO])
    await office.put(`/api/v1/comuni/${istat}/applications/${callId}`).set('x-csrf-token', office.csrf).send({ status: 'interessato' }).expect(201);
});

describe("the office's board", () => {
  it('shows a ticked step on the next click, for the office and for the admin across every comune', async () => {
    const before = (await row(CREMA))!.nextStep!.title;
    expect((await row(CREMA, admin))!.nextStep!.title).toBe(before);
    const detail = await office.get(`/api/v1/comuni/${CREMA}/applications/${callId}`).expect(200);
    const step = detail.body.steps.find((s: { title: string }) => s.title === before);
    await office
      .patch(`/api/v1/comuni/${CREMA}/applications/${callId}/steps/${step.id}`)
      .set('x-csrf-token', office.csrf)
      .set('content-type', 'application/merge-patch+json')
      .send({ done: true })
      .expect(200);
    expect((await row(CREMA))!.nextStep!.title).not.toBe(before);
    expect((await row(CREMA, admin))!.nextStep!.title).not.toBe(before);
  });

  it('is served from memory, and follows changes made by another process to applications, calls and comuni', async () => {
    // Changed with the triggers off, so no process is told: the board still comes from memory.
    await ctx.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await trx.updateTable('applications').set({ status: 'in_preparazione' }).where('comune_istat', '=', OFFANENGO).execute();
    });
    expect((await row(OFFANENGO))!.status).toBe('interessato');
    // As another app process would: writes on their own connections, told through the triggers.
    await ctx.db.updateTable('applications').set({ status: 'presentata' }).where('comune_istat', '=', OFFANENGO).execute();
    await waitFor(async () => (await row(OFFANENGO))!.status === 'presentata', 5000, 'the application changed elsewhere');
    await ctx.db.updateTable('calls').set({ title: 'Avviso Misura 1.4.1, riaperto' }).where('id', '=', callId).execute();
    await waitFor(async () => (await row(CREMA))!.callTitle === 'Avviso Misura 1.4.1, riaperto', 5000, 'the renamed call');
    await ctx.db.updateTable('comuni').set({ name: 'Offanengo (CR)' }).where('istat', '=', OFFANENGO).execute();
    await waitFor(async () => (await row(OFFANENGO))!.comune === 'Offanengo (CR)', 5000, 'the renamed comune');
  });

  it('keeps the lists of other comuni when one comune changes', async () => {
    await createComune(ctx.db, '097055', 'Morterone');
    await createTestUser(ctx.db, 'rtd@morterone.it', 'rtd', ['097055']);
    const morterone = await loginAs(ctx.app, 'rtd@morterone.it');
    await morterone.put(`/api/v1/comuni/097055/applications/${callId}`).set('x-csrf-token', morterone.csrf).send({ status: 'interessato' }).expect(201);
    const own = async () => (await morterone.get('/api/v1/comuni/097055/applications').expect(200)).body.items[0].status as string;
    expect(await own()).toBe('interessato');
    await ctx.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await trx.updateTable('applications').set({ status: 'presentata' }).where('comune_istat', '=', '097055').execute();
    });
    // A change to Crema's application, told to every process, leaves Morterone's list in memory.
    await ctx.db.updateTable('applications').set({ amount_requested: 1000 }).where('comune_istat', '=', CREMA).execute();
    await waitFor(async () => (await board()).items.some((i) => i.istat === CREMA), 5000, 'the board');
    await new Promise((done) => setTimeout(done, 200));
    expect(await own()).toBe('interessato');
  });
});
