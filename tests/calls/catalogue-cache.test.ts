import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';

const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false' } });
let editor: Agent;

const catalogue = async () =>
  (await request(ctx.app.server).get('/api/v1/calls?status=aperto&sort=deadline').expect(200)).body as {
    total: number;
    items: { id: string; title: string }[];
  };

async function publish(title: string): Promise<string> {
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(callInput({ title, windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(30) }] }))
    .expect(201);
  await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  return body.id as string;
}

beforeAll(async () => {
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  editor = await loginAs(ctx.app, 'redazione@anci.example.it');
});

describe('the public catalogue served from memory', () => {
  it('shows a call its editor just published on the next click', async () => {
    expect((await catalogue()).total).toBe(0);
    const id = await publish('Connettività per le scuole');
    expect((await catalogue()).items.map((c) => c.id)).toEqual([id]);
  });

  it('keeps a page in memory until a published call changes in any process', async () => {
    const [first] = (await catalogue()).items;
    // A change made unseen (triggers off): the page still comes from memory.
    await ctx.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await trx.updateTable('calls').set({ title: 'Titolo cambiato di nascosto' }).where('id', '=', first!.id).execute();
    });
    expect((await catalogue()).items[0]!.title).toBe('Connettività per le scuole');
    // A reader's feedback on the call changes no call: the page stays in memory.
    await request(ctx.app.server).post(`/api/v1/calls/${first!.id}/feedback`).send({ useful: true }).expect(204);
    expect((await catalogue()).items[0]!.title).toBe('Connettività per le scuole');
    // A published call written on another connection, as a worker or another app process would.
    await ctx.db.updateTable('calls').set({ title: 'Connettività per le scuole del primo ciclo' }).where('id', '=', first!.id).execute();
    await waitFor(async () => (await catalogue()).items[0]!.title === 'Connettività per le scuole del primo ciclo', 5000, 'the catalogue to follow the change');
    expect((await catalogue()).total).toBe(1);
  });
});
