import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';

const ctx = useTestApp();
let editor: Agent;

const drafts = async () =>
  (await editor.get('/api/v1/editorial/calls?queue=drafts').expect(200)).body as { total: number; items: { id: string; title: string }[] };
const counts = async () => (await editor.get('/api/v1/editorial/calls/counts').expect(200)).body as { drafts: number; review: number };

beforeAll(async () => {
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  editor = await loginAs(ctx.app, 'redazione@anci.example.it');
});

describe("the editors' lists served from memory", () => {
  it('shows a draft and its count on the next click after saving it', async () => {
    expect((await drafts()).total).toBe(0);
    expect((await counts()).drafts).toBe(0);
    const { body } = await editor
      .post('/api/v1/calls')
      .set('x-csrf-token', editor.csrf)
      .send(callInput({ title: 'Sportello digitale per le imprese', windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(30) }] }))
      .expect(201);
    expect((await drafts()).items.map((c) => c.id)).toEqual([body.id]);
    expect((await counts()).drafts).toBe(1);
  });

  it('keeps a list in memory until a call changes in any process, a draft included', async () => {
    const [draft] = (await drafts()).items;
    // A change made unseen (triggers off): the list and the counts still come from memory.
    await ctx.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await trx.updateTable('calls').set({ title: 'Titolo cambiato di nascosto' }).where('id', '=', draft!.id).execute();
      await trx.updateTable('calls').set({ editorial_status: 'in_review' }).where('id', '=', draft!.id).execute();
    });
    expect((await drafts()).items[0]!.title).toBe('Sportello digitale per le imprese');
    expect((await counts()).drafts).toBe(1);
    // The same draft written on another connection, as a worker or another app process would.
    await ctx.db.updateTable('calls').set({ title: 'Sportello digitale per le imprese del territorio' }).where('id', '=', draft!.id).execute();
    await waitFor(async () => (await counts()).review === 1, 5000, 'the counts to follow the change');
    expect((await drafts()).total).toBe(0);
    expect((await editor.get('/api/v1/editorial/calls?queue=review').expect(200)).body.items[0].title).toBe('Sportello digitale per le imprese del territorio');
  });
});
