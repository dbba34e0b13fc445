import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/src/app.ts';
import { catchUpSearchIndex } from '../../server/src/modules/search/index.ts';
import { createDatabaseIfMissing, createDb, withDatabase, type Db } from '../../server/src/plugins/db/database.ts';
import { migrateUp } from '../../server/src/plugins/db/migrator.ts';
import { testConfig } from '../helpers/app.ts';
import { callInput } from '../helpers/calls.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';
import { startStreamingPair, type StreamingPair } from '../helpers/streaming-replica.ts';

/** An app with DATABASE_URL on a primary and DATABASE_READ_URL on a real hot standby streaming from it. */
const CREMA = '019035';
const MORTERONE = '097055';
let pair: StreamingPair;
let app: FastifyInstance;
let primary: Db;
let editor: Agent;
let rtd: Agent;
const anonymous = () => request(app.server);

async function publish(title: string): Promise<string> {
  const draft = await editor.post('/api/v1/calls').set('x-csrf-token', editor.csrf).send(callInput({ title })).expect(201);
  await editor.post(`/api/v1/calls/${draft.body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  return draft.body.id as string;
}

/** How long a condition took to hold, polling every 100 ms. */
async function msUntil(condition: () => Promise<boolean>, what: string): Promise<number> {
  const started = Date.now();
  await waitFor(condition, 10_000, what);
  return Date.now() - started;
}

beforeAll(async () => {
  pair = await startStreamingPair();
  await createDatabaseIfMissing(pair.primaryUrl, 'cruscotto');
  const primaryUrl = withDatabase(pair.primaryUrl, 'cruscotto');
  const standbyUrl = withDatabase(pair.standbyUrl, 'cruscotto');
  primary = createDb(primaryUrl, { max: 2 });
  await migrateUp(primary);
  await createComune(primary, CREMA, 'Crema', 34_000);
  await createComune(primary, MORTERONE, 'Morterone', 30);
  await createTestUser(primary, 'redazione@anci.example.it', 'editor');
  await createTestUser(primary, 'rtd@crema.example.it', 'rtd', [CREMA]);
  const config = testConfig({ DATABASE_URL: primaryUrl, DATABASE_READ_URL: standbyUrl, REVIEW_REQUIRED: 'false' });
  app = await buildApp(config, { db: createDb(primaryUrl), readDb: createDb(standbyUrl) });
  await app.ready();
  editor = await loginAs(app, 'redazione@anci.example.it');
  rtd = await loginAs(app, 'rtd@crema.example.it');
}, 120_000);

afterAll(async () => {
  await app?.close();
  await primary?.destroy();
  await pair?.stop();
});

describe('DATABASE_READ_URL on a streaming replica', () => {
  it('answers the public pages from the standby, with what the primary holds', { timeout: 30_000 }, async () => {
    const inRecovery = async (db: Db) => (await sql<{ standby: boolean }>`select pg_is_in_recovery() as standby`.execute(db)).rows[0]!.standby;
    expect(await inRecovery(app.readReplica.db)).toBe(true);
    expect(await inRecovery(app.db)).toBe(false);

    const id = await publish('Geoportale dei piccoli comuni');
    await catchUpSearchIndex(app);
    await waitFor(async () => (await anonymous().get(`/api/v1/calls/${id}`)).status === 200, 10_000, 'the call on the standby');
    const list = await anonymous().get('/api/v1/calls').expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    const search = await anonymous().get('/api/v1/calls/search?q=geoportale').expect(200);
    expect(search.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    const comuni = await anonymous().get('/api/v1/comuni?region=03').expect(200);
    expect(comuni.body.items.map((c: { name: string }) => c.name)).toEqual(['Crema', 'Morterone']);
    expect((await anonymous().get(`/api/v1/comuni/${MORTERONE}`).expect(200)).body).toMatchObject({ name: 'Morterone', legalPopulation: 30 });
    const checklist = await anonymous().get(`/api/v1/comuni/${CREMA}/open-calls/${id}`).expect(200);
    expect(checklist.body.checks.length).toBeGreaterThan(0);
  });

  it(
    'shows a call published while the standby lags to its editor and to the public at once, from the primary until the standby has replayed it',
    { timeout: 30_000 },
    async () => {
      await pair.pauseReplay();
      const id = await publish('Biblioteche digitali');
      // The editor reads the primary: what they just published is there.
      await editor.get(`/api/v1/calls/${id}`).expect(200);
      expect((await editor.get('/api/v1/calls').expect(200)).body.total).toBe(2);
      // The publication was notified to this process: until the standby has replayed it, public
      // reads go to the primary, so the catalogue and the call's page agree with the editor.
      expect(await app.readReplica.fresh()).toBe(app.db);
      expect((await anonymous().get(`/api/v1/calls/${id}`)).status).toBe(200);
      expect((await anonymous().get('/api/v1/calls').expect(200)).body.total).toBe(2);

      await pair.resumeReplay();
      // Once replayed, public reads go back to the standby, which now has the call.
      const lagMs = await msUntil(async () => (await app.readReplica.fresh()) === app.readReplica.db, 'the standby to replay the publication');
      expect(lagMs).toBeLessThan(5000);
      expect((await anonymous().get(`/api/v1/calls/${id}`)).status).toBe(200);
      expect((await anonymous().get('/api/v1/calls').expect(200)).body.total).toBe(2);
    },
  );

  it('never refills a cache from a standby that has not replayed the change that dropped it', { timeout: 30_000 }, async () => {
    expect((await anonymous().get(`/api/v1/comuni/${CREMA}`).expect(200)).body.interests).toEqual([]);
    await pair.pauseReplay();
    await rtd
      .put(`/api/v1/comuni/${CREMA}/profile`)
      .set('x-csrf-token', rtd.csrf)
      .send({ contacts: [], interests: ['piattaforme.pagopa'], notes: null })
      .expect(200);
    // The profile's notification dropped the cached page; the standby lags, so it is read from the primary.
    await waitFor(async () => (await anonymous().get(`/api/v1/comuni/${CREMA}`)).body.interests?.[0]?.code === 'piattaforme.pagopa', 2000, 'the new interests');
    expect(await app.readReplica.fresh()).toBe(app.db);

    await pair.resumeReplay();
    // Once the standby has replayed the change, public reads go back to it.
    await waitFor(async () => (await app.readReplica.fresh()) === app.readReplica.db, 10_000, 'the standby to catch up');
    expect((await anonymous().get(`/api/v1/comuni/${CREMA}`).expect(200)).body.interests[0].code).toBe('piattaforme.pagopa');
  });
});
