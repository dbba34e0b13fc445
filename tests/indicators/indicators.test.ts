import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { alertEmail } from '../../server/src/modules/alerts/alerts.email.ts';
import { trackedLink } from '../../server/src/shared/tracked-link.ts';
import { seedDemo } from '../../seeds/demo.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false' } });
let viewer: Agent;
let editor: Agent;
let admin: Agent;
let callId: string;

type Indicator = { key: string; value: number | null; target: number | null; reached?: boolean };
const indicator = (body: { indicators: Indicator[] }, key: string) => body.indicators.find((i) => i.key === key)!;

beforeAll(async () => {
  await seedDemo(ctx.db);
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'osservatorio@regione.example.it', 'viewer');
  await createTestUser(ctx.db, 'admin@anci.example.it', 'admin');
  editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  viewer = await loginAs(ctx.app, 'osservatorio@regione.example.it');
  admin = await loginAs(ctx.app, 'admin@anci.example.it');
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(callInput({ title: 'Sportelli digitali', windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(30) }] }));
  callId = body.id;
  await editor.post(`/api/v1/calls/${callId}/publish`).set('x-csrf-token', editor.csrf).expect(200);
});

describe('counting without personal data', () => {
  it('counts each public read of a call page per day, not the editors’ own reads, and stores nothing about the reader', async () => {
    const anonymous = () =>
      request(ctx.app.server).get(`/api/v1/calls/${callId}`).set('user-agent', 'Browser di Mario Rossi').set('x-forwarded-for', '203.0.113.7');
    await anonymous().expect(200);
    await anonymous().expect(200);
    await viewer.get(`/api/v1/calls/${callId}`).expect(200);
    await editor.get(`/api/v1/calls/${callId}`).expect(200);
    const rows = await ctx.db.selectFrom('usage_counts').selectAll().where('kind', '=', 'call_view').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'call_view', subject: callId, count: 3 });
    expect(Object.keys(rows[0]!).sort()).toEqual(['count', 'day', 'kind', 'subject']);
    expect(JSON.stringify(rows)).not.toMatch(/Mario|203\.0\.113/);
  });

  it('counts searches that found nothing by their text, and never keeps an e-mail address or a long number', async () => {
    const search = (q: string) => request(ctx.app.server).get('/api/v1/calls/search').query({ q }).expect(200);
    expect((await search('Droni   SUBACQUEI')).body.total).toBe(0);
    await search('droni subacquei');
    await search('mario.rossi@comune.example.it');
    await search('3331234567');
    const { body } = await viewer.get('/api/v1/analytics/indicators').expect(200);
    expect(body.emptySearches).toEqual([{ query: 'droni subacquei', count: 2 }]);
    expect(indicator(body, 'emptySearches').value).toBe(4);
    const subjects = await ctx.db.selectFrom('usage_counts').select('subject').where('kind', '=', 'search_empty').execute();
    expect(subjects.map((s) => s.subject).join(' ')).not.toMatch(/@|\d{6}/);
  });

  it('counts an alert e-mail’s link through a signed redirect to the call page, knowing nothing of who clicked, and refuses an unsigned one', async () => {
    const mail = alertEmail(
      {
        userId: 'u1',
        to: 'rtd@comune.example.it',
        name: 'Rita',
        title: 'Nuovo bando',
        body: 'Un bando per il tuo comune',
        link: `http://localhost/bandi/${callId}?comune=019035`,
      },
      { publicBaseUrl: 'http://localhost', secret: ctx.app.config.sessionSecret, messageId: 'm1' },
    );
    const link = /Dettagli: (\S+)/.exec(mail.text)![1]!;
    expect(link).toContain('/api/v1/r/alert?');
    const carried = new URL(link).searchParams;
    expect([...carried.keys()].sort()).toEqual(['s', 'to']);
    expect(carried.get('to')).toBe(`/bandi/${callId}?comune=019035`);
    expect(mail.html).toContain(link.replaceAll('&', '&amp;'));
    const url = new URL(link);
    const followed = await request(ctx.app.server).get(`${url.pathname}${url.search}`).expect(302);
    expect(followed.headers.location).toBe(`/bandi/${callId}?comune=019035`);

    const forged = new URL(trackedLink('http://localhost', 'un altro segreto', 'http://localhost/bandi/altro'));
    const refused = await request(ctx.app.server).get(`${forged.pathname}${forged.search}`).expect(400);
    expect(refused.body.detail).toContain('link non è valido');
    expect(followed.headers['set-cookie']).toBeUndefined();
    const clicks = await ctx.db.selectFrom('usage_counts').selectAll().where('kind', '=', 'alert_click').execute();
    expect(clicks).toEqual([{ day: expect.anything(), kind: 'alert_click', subject: '', count: 1 }]);
    const { body } = await viewer.get('/api/v1/analytics/indicators').expect(200);
    expect(body.counts.alertLinkClicks).toBe(1);
  });

  it('keeps the "Ti è stato utile?" answers and comments without who gave them', async () => {
    const answer = (send: object) => request(ctx.app.server).post(`/api/v1/calls/${callId}/feedback`).send(send);
    await answer({ useful: true }).expect(204);
    await answer({ useful: false, comment: '  Manca la scadenza della seconda finestra ' }).expect(204);
    await answer({ useful: 'forse' }).expect(400);
    await request(ctx.app.server).post('/api/v1/calls/00000000-0000-4000-8000-000000000000/feedback').send({ useful: true }).expect(404);
    const rows = await ctx.db.selectFrom('feedback_answers').selectAll().execute();
    expect(Object.keys(rows[0]!).sort()).toEqual(['call_id', 'comment', 'day', 'id', 'useful']);
    const { body } = await viewer.get('/api/v1/analytics/indicators').expect(200);
    expect(indicator(body, 'satisfaction').value).toBe(50);
    expect(body.comments).toEqual([
      expect.objectContaining({ useful: false, comment: 'Manca la scadenza della seconda finestra', callTitle: 'Sportelli digitali' }),
    ]);
  });
});

describe('GET /api/v1/analytics/indicators', () => {
  it('gives each DGR 5269/2021 indicator against its target, from the database’s own counts', async () => {
    const { body } = await viewer.get('/api/v1/analytics/indicators').expect(200);
    const users = await ctx.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    expect(indicator(body, 'registeredUsers')).toMatchObject({ value: Number(users.n), target: 250, reached: false });
    expect(indicator(body, 'administrations').target).toBe(100);
    expect(indicator(body, 'callPageViews')).toMatchObject({ value: 3, target: 500 });
    expect(indicator(body, 'callsPublished').value).toBeGreaterThanOrEqual(1);
    expect(body.monthly.at(-1)).toMatchObject({ callPageViews: 3, alertLinkClicks: 1, emptySearches: 4 });
  });

  it('lets an admin change a target, and nobody else', async () => {
    await viewer.put('/api/v1/analytics/indicators/targets/registeredUsers').set('x-csrf-token', viewer.csrf).send({ target: 1 }).expect(403);
    await admin.put('/api/v1/analytics/indicators/targets/registeredUsers').set('x-csrf-token', admin.csrf).send({ target: 3 }).expect(204);
    await admin.put('/api/v1/analytics/indicators/targets/nonEsiste').set('x-csrf-token', admin.csrf).send({ target: 3 }).expect(404);
    await admin.put('/api/v1/analytics/indicators/targets/callPageViews').set('x-csrf-token', admin.csrf).send({ target: -1 }).expect(400);
    const { body } = await viewer.get('/api/v1/analytics/indicators').expect(200);
    expect(indicator(body, 'registeredUsers')).toMatchObject({ target: 3, reached: true });
  });

  it('is closed to the public and to comuni, and refuses a period that ends before it starts', async () => {
    await request(ctx.app.server).get('/api/v1/analytics/indicators').expect(401);
    const bad = await viewer.get('/api/v1/analytics/indicators?from=2026-06-01&to=2026-01-01').expect(400);
    expect(bad.body.detail).toContain('periodo non è valido');
  });
});
