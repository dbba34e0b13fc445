import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { notifyComuniChanged } from '../../server/src/modules/comuni/comuni.changes.ts';
import { useTestApp } from '../helpers/app.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';

const ctx = useTestApp();
const CREMA = '019035';
const MORTERONE = '097055';
let rtd: Agent;
let otherRtd: Agent;

const CONTACT = { name: 'Giulia Bianchi', role: 'RTD', email: 'rtd@comune.crema.cr.it', phone: '0373 894 111' };

beforeAll(async () => {
  await createComune(ctx.db, CREMA, 'Crema', 34000);
  await createComune(ctx.db, MORTERONE, 'Morterone', 33);
  await createTestUser(ctx.db, 'rtd.crema@example.it', 'rtd', [CREMA]);
  await createTestUser(ctx.db, 'rtd.morterone@example.it', 'rtd', [MORTERONE]);
  rtd = await loginAs(ctx.app, 'rtd.crema@example.it');
  otherRtd = await loginAs(ctx.app, 'rtd.morterone@example.it');
  await ctx.db
    .insertInto('funding_awards')
    .values([
      {
        comune_istat: CREMA,
        source: 'test',
        application_key: 'A',
        avviso: 'Avviso 1.4.1',
        measure_code: '1.4.1',
        measure_name: '1.4.1 Esperienza del cittadino',
        amount: 155000,
        status: 'erogato',
        funded_on: '2022-09-19',
      },
      {
        comune_istat: CREMA,
        source: 'test',
        application_key: 'B',
        avviso: 'Avviso 1.2',
        measure_code: '1.2',
        measure_name: '1.2 Cloud',
        amount: 121992,
        status: 'assegnato',
        funded_on: '2022-12-01',
      },
      {
        comune_istat: CREMA,
        source: 'test',
        application_key: 'C',
        avviso: 'Avviso 1.4.3',
        measure_code: '1.4.3',
        amount: 5000,
        status: 'rinuncia',
        funded_on: '2023-01-10',
      },
    ])
    .execute();
});

describe('GET /api/v1/comuni/:istat', () => {
  it('sums the funding history by measure, leaving renounced awards out of the amount', async () => {
    const res = await request(ctx.app.server).get(`/api/v1/comuni/${CREMA}`);
    expect(res.status).toBe(200);
    expect(res.body.funding).toEqual({
      awards: 3,
      amount: 276992,
      renounced: 1,
      lastFundedOn: '2023-01-10',
      byMeasure: [
        { measureCode: '1.2', measureName: '1.2 Cloud', awards: 1, amount: 121992 },
        { measureCode: '1.4.1', measureName: '1.4.1 Esperienza del cittadino', awards: 1, amount: 155000 },
        { measureCode: '1.4.3', measureName: null, awards: 1, amount: 0 },
      ],
    });
    expect(res.body.programming).toMatchObject({ items: 0, estimatedCost: 0 });
  });

  it('shows contacts to signed-in colleagues only', async () => {
    await rtd
      .put(`/api/v1/comuni/${CREMA}/profile`)
      .set('x-csrf-token', rtd.csrf)
      .send({ contacts: [CONTACT], interests: [], notes: null })
      .expect(200);
    expect((await request(ctx.app.server).get(`/api/v1/comuni/${CREMA}`)).body.contacts).toBeUndefined();
    expect((await otherRtd.get(`/api/v1/comuni/${CREMA}`)).body.contacts).toEqual([CONTACT]);
  });

  it('sees a change written by another process as soon as its notification arrives', async () => {
    await request(ctx.app.server).get(`/api/v1/comuni/${MORTERONE}`).expect(200);
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('comuni').set({ legal_population: 34 }).where('istat', '=', MORTERONE).execute();
      await notifyComuniChanged(trx, MORTERONE);
    });
    await waitFor(async () => (await request(ctx.app.server).get(`/api/v1/comuni/${MORTERONE}`)).body.legalPopulation === 34, 5000, 'the new population');
  });
});

describe('GET /api/v1/comuni/:istat/funding', () => {
  it('lists the awards newest first, filtered by measure and status', async () => {
    const all = await request(ctx.app.server).get(`/api/v1/comuni/${CREMA}/funding`);
    expect(all.body.items.map((a: { measureCode: string }) => a.measureCode)).toEqual(['1.4.3', '1.2', '1.4.1']);
    const paid = await request(ctx.app.server).get(`/api/v1/comuni/${CREMA}/funding?status=erogato`);
    expect(paid.body).toMatchObject({ total: 1, items: [{ avviso: 'Avviso 1.4.1', amount: 155000, fundedOn: '2022-09-19', status: 'erogato' }] });
    expect((await request(ctx.app.server).get(`/api/v1/comuni/${CREMA}/funding?measure=1.2`)).body.total).toBe(1);
    expect((await request(ctx.app.server).get('/api/v1/comuni/999999/funding')).status).toBe(404);
  });
});

describe('PUT /api/v1/comuni/:istat/profile', () => {
  it('replaces contacts, interests and notes, audits the change and shows it at once', async () => {
    const res = await rtd
      .put(`/api/v1/comuni/${CREMA}/profile`)
      .set('x-csrf-token', rtd.csrf)
      .send({
        contacts: [CONTACT, { name: 'Ufficio CED', role: 'Referente informatico', email: null, phone: null }],
        interests: ['piattaforme.pagopa', 'sicurezza'],
        notes: 'Giunta favorevole al cloud.',
      });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ interests: ['piattaforme.pagopa', 'sicurezza'], notes: 'Giunta favorevole al cloud.' });
    const profile = await request(ctx.app.server).get(`/api/v1/comuni/${CREMA}`);
    expect(profile.body.interests).toEqual([
      { code: 'piattaforme.pagopa', label: 'pagoPA' },
      { code: 'sicurezza', label: 'Sicurezza informatica' },
    ]);
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'changes'])
      .where('entity_id', '=', CREMA)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.action).toBe('comune.profile.updated');
    expect(Object.keys(audit.changes as object).sort()).toEqual(['contacts', 'interests', 'notes']);
    expect((await rtd.get(`/api/v1/comuni/${CREMA}/profile`)).body.notes).toBe('Giunta favorevole al cloud.');
  });

  it('refuses the RTD of another comune, unknown themes and malformed contacts, changing nothing', async () => {
    const body = { contacts: [], interests: [], notes: 'x' };
    expect((await otherRtd.put(`/api/v1/comuni/${CREMA}/profile`).set('x-csrf-token', otherRtd.csrf).send(body)).status).toBe(403);
    expect((await otherRtd.get(`/api/v1/comuni/${CREMA}/profile`)).status).toBe(403);
    const unknown = await rtd
      .put(`/api/v1/comuni/${CREMA}/profile`)
      .set('x-csrf-token', rtd.csrf)
      .send({ ...body, interests: ['blockchain'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ field: 'body.interests', message: 'Il tema «blockchain» non esiste.' }]);
    const badMail = await rtd
      .put(`/api/v1/comuni/${CREMA}/profile`)
      .set('x-csrf-token', rtd.csrf)
      .send({ ...body, contacts: [{ ...CONTACT, email: 'non-una-mail' }] });
    expect(badMail.status).toBe(400);
    expect((await rtd.get(`/api/v1/comuni/${CREMA}/profile`)).body.notes).toBe('Giunta favorevole al cloud.');
  });

  it('keeps a declared theme from being deleted, and only while it is declared', async () => {
    const admin = await createTestUser(ctx.db, 'admin@example.it', 'admin').then(() => loginAs(ctx.app, 'admin@example.it'));
    // A theme nothing else uses (no call, plan or subtheme), so the interest alone holds it.
    await admin.post('/api/v1/themes').set('x-csrf-token', admin.csrf).send({ code: 'droni', label: 'Droni' }).expect(201);
    const profile = (interests: string[]) =>
      rtd
        .put(`/api/v1/comuni/${CREMA}/profile`)
        .set('x-csrf-token', rtd.csrf)
        .send({ contacts: [CONTACT], interests, notes: null })
        .expect(200);
    await profile(['droni']);
    const res = await admin.delete('/api/v1/themes/droni').set('x-csrf-token', admin.csrf);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('REFERENCE_CONFLICT');
    expect((await request(ctx.app.server).get('/api/v1/themes')).body.items.map((t: { code: string }) => t.code)).toContain('droni');
    await profile([]);
    expect((await admin.delete('/api/v1/themes/droni').set('x-csrf-token', admin.csrf)).status).toBe(204);
  });
});
