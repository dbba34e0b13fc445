import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { notifyComuniChanged } from '../../server/src/modules/comuni/index.ts';
import { useTestApp } from '../helpers/app.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';

// Each comune's plan is kept in memory by filters: what the RTD or another process writes shows on
// the next read, and another comune's change leaves it in memory.
const ctx = useTestApp();
const CREMA = '019035';
const MORTERONE = '097055';
let rtd: Agent;

const titles = async (istat = CREMA, query = '') =>
  ((await rtd.get(`/api/v1/comuni/${istat}/programming${query}`).expect(200)).body.items as { title: string }[]).map((i) => i.title);

async function addUnseen(istat: string, title: string, notify: boolean) {
  await ctx.db.transaction().execute(async (trx) => {
    if (!notify) await sql`set local session_replication_role = replica`.execute(trx);
    await trx
      .insertInto('programming_items')
      .values({
        comune_istat: istat,
        code: title.slice(0, 8),
        title,
        start_year: 2026,
        end_year: 2026,
        priority: 'low',
        status: 'planned',
        funding_status: 'unfunded',
      })
      .execute();
    if (notify) await notifyComuniChanged(trx, istat);
  });
}

beforeAll(async () => {
  await createComune(ctx.db, CREMA, 'Crema', 34000);
  await createComune(ctx.db, MORTERONE, 'Morterone', 33);
  await createTestUser(ctx.db, 'rtd.office@example.it', 'rtd', [CREMA, MORTERONE]);
  rtd = await loginAs(ctx.app, 'rtd.office@example.it');
});

describe("a comune's plan in memory", () => {
  it('shows what the RTD adds on the next read, whatever the filters', async () => {
    expect(await titles()).toEqual([]);
    expect(await titles(CREMA, '?status=planned')).toEqual([]);
    const item = { title: 'Nuovo sito comunale', themes: ['piattaforme.pagopa'], startYear: 2026, endYear: 2027, estimatedCost: 15000 };
    await rtd.post(`/api/v1/comuni/${CREMA}/programming`).set('x-csrf-token', rtd.csrf).send(item).expect(201);
    expect(await titles()).toEqual(['Nuovo sito comunale']);
    expect(await titles(CREMA, '?status=planned')).toEqual(['Nuovo sito comunale']);
  });

  it('follows a change another process makes, and keeps other comuni in memory meanwhile', async () => {
    expect(await titles(MORTERONE)).toEqual([]);
    // Unseen by every process: Morterone's list is told apart by staying as it was.
    await addUnseen(MORTERONE, 'Mai annunciato', false);
    await addUnseen(CREMA, 'Archivio digitale', true);
    await waitFor(async () => (await titles()).includes('Archivio digitale'), 5000, "Crema's plan changed elsewhere");
    expect(await titles(MORTERONE)).toEqual([]);
  });

  it('answers 404 in Italian for a comune that does not exist', async () => {
    await createTestUser(ctx.db, 'admin@example.it', 'admin');
    const admin = await loginAs(ctx.app, 'admin@example.it');
    const res = await admin.get('/api/v1/comuni/999999/programming');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});
