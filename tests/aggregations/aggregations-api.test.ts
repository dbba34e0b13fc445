import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp();
let admin: Agent;
let rtd: Agent;
const OFFICE = { name: 'Ufficio RTD associato del Cremasco', kind: 'ufficio_rtd_associato', codiceFiscale: '91035680197' };

beforeAll(async () => {
  for (const [istat, name] of [
    ['019035', 'Crema'],
    ['019005', 'Bagnolo Cremasco'],
    ['019062', 'Offanengo'],
  ] as const)
    await createComune(ctx.db, istat, name);
  await createTestUser(ctx.db, 'admin@example.it', 'admin');
  await createTestUser(ctx.db, 'rtd@example.it', 'rtd', ['019035']);
  admin = await loginAs(ctx.app, 'admin@example.it');
  rtd = await loginAs(ctx.app, 'rtd@example.it');
});

const send = (agent: Agent, method: 'post' | 'put', url: string, body: object) => agent[method](url).set('x-csrf-token', agent.csrf).send(body);

describe('aggregations admin API', () => {
  let id: string;

  it('creates an aggregation with its members, shown on each member comune', async () => {
    const res = await send(admin, 'post', '/api/v1/aggregations', {
      ...OFFICE,
      members: [
        { istat: '019005', joinedOn: '2021-01-01' },
        { istat: '019062', joinedOn: '2021-01-01' },
      ],
    });
    expect(res.status).toBe(201);
    id = res.body.id;
    expect(res.body.members.map((m: { name: string }) => m.name)).toEqual(['Bagnolo Cremasco', 'Offanengo']);
    const comune = await request(ctx.app.server).get('/api/v1/comuni/019062');
    expect(comune.body.aggregations).toEqual([{ id, name: OFFICE.name, kind: 'ufficio_rtd_associato', joinedOn: '2021-01-01' }]);
    const list = await request(ctx.app.server).get('/api/v1/aggregations?comune=019005');
    expect(list.body.items).toEqual([{ id, ...OFFICE, currentMembers: 2 }]);
    expect((await request(ctx.app.server).get('/api/v1/aggregations?kind=unione')).body.total).toBe(0);
  });

  it('records a member leaving: the comune no longer shows the aggregation, the history keeps it', async () => {
    const res = await send(admin, 'put', `/api/v1/aggregations/${id}`, {
      ...OFFICE,
      members: [
        { istat: '019005', joinedOn: '2021-01-01' },
        { istat: '019062', joinedOn: '2021-01-01', leftOn: '2025-12-31' },
      ],
    });
    expect(res.status).toBe(200);
    expect((await request(ctx.app.server).get('/api/v1/comuni/019062')).body.aggregations).toEqual([]);
    expect((await request(ctx.app.server).get(`/api/v1/aggregations/${id}`)).body.members).toContainEqual({
      istat: '019062',
      name: 'Offanengo',
      joinedOn: '2021-01-01',
      leftOn: '2025-12-31',
    });
    const audit = await ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['aggregation.created', 'aggregation.updated']);
  });

  it('names each bad member and changes nothing', async () => {
    const res = await send(admin, 'put', `/api/v1/aggregations/${id}`, {
      ...OFFICE,
      members: [{ istat: '999999' }, { istat: '019005', joinedOn: '2021-01-01', leftOn: '2020-01-01' }],
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { field: 'body.members[0].istat', message: 'Nessun comune con codice ISTAT 999999.' },
      { field: 'body.members[1].leftOn', message: 'La data di uscita precede quella di ingresso (2021-01-01).' },
    ]);
    expect((await request(ctx.app.server).get(`/api/v1/aggregations/${id}`)).body.members).toHaveLength(2);
    expect((await send(admin, 'post', '/api/v1/aggregations', { ...OFFICE, kind: 'lega', members: [] })).status).toBe(400);
  });

  it('gives an RTD of the office access to its member comuni through one membership', async () => {
    const user = await createTestUser(ctx.db, 'rtd.office@example.it', 'rtd');
    await ctx.db.insertInto('memberships').values({ user_id: user.id, aggregation_id: id }).execute();
    const office = await loginAs(ctx.app, 'rtd.office@example.it');
    const item = { code: 'U-1', title: 'Cloud', themes: ['infrastrutture.cloud'], startYear: 2026, endYear: 2026 };
    expect((await send(office, 'post', '/api/v1/comuni/019005/programming', item)).status).toBe(201);
    expect((await send(office, 'post', '/api/v1/comuni/019035/programming', item)).status).toBe(403);
    // Offanengo left the office at the end of 2025.
    expect((await send(office, 'post', '/api/v1/comuni/019062/programming', item)).status).toBe(403);
  });

  it('is for admins only, and refuses to delete an aggregation RTDs work through', async () => {
    expect((await send(rtd, 'post', '/api/v1/aggregations', { ...OFFICE, members: [] })).status).toBe(403);
    const del = await admin.delete(`/api/v1/aggregations/${id}`).set('x-csrf-token', admin.csrf);
    expect(del.status).toBe(409);
    expect(del.body.code).toBe('AGGREGATION_IN_USE');
    const spare = await send(admin, 'post', '/api/v1/aggregations', { name: 'Unione dei Comuni del Moso', kind: 'unione', members: [] });
    await admin.delete(`/api/v1/aggregations/${spare.body.id}`).set('x-csrf-token', admin.csrf).expect(204);
    expect((await request(ctx.app.server).get(`/api/v1/aggregations/${spare.body.id}`)).status).toBe(404);
  });
});
