import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { processAlertEvents } from '../../server/src/modules/alerts/alerts.service.ts';
import { processCallEvents } from '../../server/src/modules/matching/matching.jobs.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false', PUBLIC_BASE_URL: 'http://cruscotto.example.it' } });
let editor: Agent;
let small: Agent;
let large: Agent;
const run = async () => {
  const { events, notifications } = await processAlertEvents(ctx.db, { publicBaseUrl: 'http://cruscotto.example.it', secret: 'x'.repeat(32) });
  return { events, notifications };
};

async function publish(title: string, over: Parameters<typeof callInput>[0] = {}): Promise<string> {
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(callInput({ title, windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(30) }], ...over }));
  await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  await processCallEvents(ctx.app);
  return body.id;
}

beforeAll(async () => {
  await createComune(ctx.db, '097055', 'Morterone', 30);
  await createComune(ctx.db, '019035', 'Crema', 34000);
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'rtd@morterone.example.it', 'rtd', ['097055']);
  await createTestUser(ctx.db, 'rtd@crema.example.it', 'rtd', ['019035']);
  editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  small = await loginAs(ctx.app, 'rtd@morterone.example.it');
  large = await loginAs(ctx.app, 'rtd@crema.example.it');
});

describe('in-app notifications of newly matched calls', () => {
  it('tell the RTDs of the comuni a published call matches, once, in Italian, with a link', async () => {
    const id = await publish('Contributi ai piccoli comuni per SEND', {
      eligibility: { bodyTypes: ['comune'], population: { max: 5000 }, aggregation: 'allowed', exclusions: [], conditions: [] },
    });
    expect(await run()).toEqual({ events: 1, notifications: 1 });
    const res = await small.get('/api/v1/me/notifications');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ unreadCount: 1, total: 1 });
    expect(res.body.items[0]).toMatchObject({
      callId: id,
      comune: 'Morterone',
      title: 'Nuovo bando per Morterone: Contributi ai piccoli comuni per SEND',
      link: `http://cruscotto.example.it/bandi/${id}?comune=097055`,
      read: false,
    });
    expect(res.body.items[0].body).toMatch(/^Il comune può partecipare, pertinenza \d+\/100, importo stimato 23\.147 €, scadenza \d+ \w+ \d{4}\.$/);
    // Crema has 34,000 residents: not eligible, not told.
    expect((await large.get('/api/v1/me/notifications')).body.total).toBe(0);
    // Run again, or after a restart: nothing new.
    expect(await run()).toEqual({ events: 0, notifications: 0 });
    await ctx.db.updateTable('call_events').set({ alerted_at: null }).where('call_id', '=', id).execute();
    expect(await run()).toEqual({ events: 1, notifications: 0 });
  });

  it('are marked read one by one or all together', async () => {
    await publish('Cybersicurezza per tutti i comuni', { themes: ['sicurezza'] });
    await run();
    const { body } = await small.get('/api/v1/me/notifications?unread=true');
    expect(body.unreadCount).toBe(2);
    const first = await small
      .post('/api/v1/me/notifications/read')
      .set('x-csrf-token', small.csrf)
      .send({ ids: [body.items[0].id] });
    expect(first.body).toEqual({ unreadCount: 1 });
    // Another user's ids change nothing.
    expect(
      (
        await large
          .post('/api/v1/me/notifications/read')
          .set('x-csrf-token', large.csrf)
          .send({ ids: [body.items[1].id] })
      ).body.unreadCount,
    ).toBe(1);
    expect((await small.get('/api/v1/me/notifications?unread=true')).body.total).toBe(1);
    expect((await small.post('/api/v1/me/notifications/read').set('x-csrf-token', small.csrf).send({})).body).toEqual({ unreadCount: 0 });
    expect((await request(ctx.app.server).get('/api/v1/me/notifications')).status).toBe(401);
  });
});

describe('alert subscriptions', () => {
  it('start from the defaults: own comuni, weekly digest, in-app, reminders 14, 7 and 2 days before', async () => {
    expect((await large.get('/api/v1/me/subscriptions')).body).toEqual({
      comuni: [],
      email: 'weekly',
      inApp: true,
      themes: [],
      programmes: [],
      minScore: 0,
      eligibleOnly: false,
      reminderDays: [14, 7, 2],
    });
  });

  it('filter what is notified by theme and programme', async () => {
    const put = await large
      .put('/api/v1/me/subscriptions')
      .set('x-csrf-token', large.csrf)
      .send({
        comuni: [],
        email: 'immediate',
        inApp: true,
        themes: ['sicurezza'],
        programmes: ['regionale'],
        minScore: 0,
        eligibleOnly: false,
        reminderDays: [2, 10],
      });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ email: 'immediate', themes: ['sicurezza'], reminderDays: [10, 2] });
    await publish('Pagamenti digitali', { themes: ['piattaforme.pagopa'], programme: { kind: 'regionale', code: null } });
    await publish('Sicurezza informatica dei comuni lombardi', { themes: ['sicurezza'], programme: { kind: 'regionale', code: null } });
    await publish('Sicurezza con fondi europei', { themes: ['sicurezza'], programme: { kind: 'fesr', code: null } });
    await run();
    const titles = (await large.get('/api/v1/me/notifications')).body.items.map((n: { title: string }) => n.title);
    // Newest first; the older one came before the filters, with the defaults.
    expect(titles).toEqual(['Nuovo bando per Crema: Sicurezza informatica dei comuni lombardi', 'Nuovo bando per Crema: Cybersicurezza per tutti i comuni']);
  });

  it('refuse unknown themes and comuni the RTD does not serve, naming each field in Italian', async () => {
    const res = await small
      .put('/api/v1/me/subscriptions')
      .set('x-csrf-token', small.csrf)
      .send({
        comuni: ['097055', '019035', '999999'],
        email: 'daily',
        inApp: true,
        themes: ['astronautica'],
        programmes: [],
        minScore: 0,
        eligibleOnly: false,
        reminderDays: [7],
      });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([
      { field: 'body.themes', message: 'Il tema «astronautica» non esiste.' },
      { field: 'body.comuni[1]', message: 'Puoi seguire solo i comuni di cui sei RTD (019035 non lo è).' },
      { field: 'body.comuni[2]', message: 'Nessun comune con codice ISTAT 999999.' },
    ]);
    expect((await small.get('/api/v1/me/subscriptions')).body.email).toBe('weekly');
    const bad = await small
      .put('/api/v1/me/subscriptions')
      .set('x-csrf-token', small.csrf)
      .send({ comuni: [], email: 'hourly', inApp: true, themes: [], programmes: [], minScore: 120, eligibleOnly: false, reminderDays: [] });
    expect(bad.status).toBe(400);
  });

  it('follow the comuni a regional user chooses', async () => {
    await createTestUser(ctx.db, 'osservatorio@regione.example.it', 'viewer');
    const viewer = await loginAs(ctx.app, 'osservatorio@regione.example.it');
    await viewer
      .put('/api/v1/me/subscriptions')
      .set('x-csrf-token', viewer.csrf)
      .send({ comuni: ['097055'], email: 'off', inApp: true, themes: [], programmes: [], minScore: 0, eligibleOnly: false, reminderDays: [] })
      .expect(200);
    await publish('Biblioteche digitali nei piccoli comuni', {
      eligibility: { bodyTypes: ['comune'], population: { max: 5000 }, aggregation: 'allowed', exclusions: [], conditions: [] },
    });
    await run();
    const { body } = await viewer.get('/api/v1/me/notifications');
    expect(body.items.map((n: { title: string }) => n.title)).toEqual(['Nuovo bando per Morterone: Biblioteche digitali nei piccoli comuni']);
  });

  it('stop in-app notifications when switched off', async () => {
    await small
      .put('/api/v1/me/subscriptions')
      .set('x-csrf-token', small.csrf)
      .send({ comuni: [], email: 'off', inApp: false, themes: [], programmes: [], minScore: 0, eligibleOnly: false, reminderDays: [] })
      .expect(200);
    const before = (await small.get('/api/v1/me/notifications')).body.total;
    await publish('Archivi digitali per tutti');
    await run();
    expect((await small.get('/api/v1/me/notifications')).body.total).toBe(before);
  });
});
