import ICAL from 'ical.js';
import { parseFeed } from '@rowanmanning/feed-parser';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { processCallEvents } from '../../server/src/modules/matching/matching.jobs.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput } from '../helpers/calls.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const BASE = 'http://cruscotto.example.it';
const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false', PUBLIC_BASE_URL: BASE } });
let editor: Agent;
let rtd: Agent;
let other: Agent;
let callId: string;
const SMALL_ONLY = { bodyTypes: ['comune'], population: { max: 5000 }, aggregation: 'allowed' as const, exclusions: [], conditions: [] };
// 31 March 2027 17:00 in Rome is 15:00 UTC (summer time from 28 March); 15 January 2027 12:00 in Rome is 11:00 UTC.
const WINDOWS = [
  { opensAt: '2026-11-02T08:00:00.000Z', closesAt: '2027-01-15T11:00:00.000Z' },
  { opensAt: '2027-03-01T08:00:00.000Z', closesAt: '2027-03-31T15:00:00.000Z' },
];

async function publish(title: string, over: Parameters<typeof callInput>[0] = {}) {
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(callInput({ title, eligibility: SMALL_ONLY, windows: WINDOWS, procedure: 'finestre', ...over }));
  await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  await processCallEvents(ctx.app);
  return body.id as string;
}
const path = (url: string) => new URL(url).pathname;

function events(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate,
      sequence: event.sequence,
      alarms: component.getAllSubcomponents('valarm').map((a) => String(a.getFirstPropertyValue('trigger'))),
    };
  });
}

beforeAll(async () => {
  await createComune(ctx.db, '097055', 'Morterone', 30);
  await createComune(ctx.db, '019035', 'Crema', 34000);
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'rtd@morterone.example.it', 'rtd', ['097055']);
  await createTestUser(ctx.db, 'rtd@crema.example.it', 'rtd', ['019035']);
  editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  rtd = await loginAs(ctx.app, 'rtd@morterone.example.it');
  other = await loginAs(ctx.app, 'rtd@crema.example.it');
  callId = await publish('Servizi digitali & cloud per i piccoli comuni');
  await publish('Smart city per le città', { eligibility: { ...SMALL_ONLY, population: { min: 20_000 } } });
});

describe('comune feeds', () => {
  it('give its RTDs stable secret URLs, and nobody else', async () => {
    const res = await rtd.get('/api/v1/comuni/097055/feeds');
    expect(res.status).toBe(200);
    expect(res.body.atom).toMatch(/^http:\/\/cruscotto\.example\.it\/api\/v1\/feeds\/[A-Za-z0-9_-]{32}\/bandi\.atom$/);
    expect(res.body.webcal).toBe(res.body.ical.replace('http:', 'webcal:'));
    expect((await rtd.get('/api/v1/comuni/097055/feeds')).body).toEqual(res.body);
    expect((await other.get('/api/v1/comuni/097055/feeds')).status).toBe(403);
    expect((await request(ctx.app.server).get('/api/v1/comuni/097055/feeds')).status).toBe(401);
  });

  it('serve an Atom feed of the matched calls that a feed library parses', async () => {
    const { atom } = (await rtd.get('/api/v1/comuni/097055/feeds')).body;
    const res = await request(ctx.app.server).get(path(atom));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const feed = parseFeed(res.text);
    expect(feed.meta.type).toBe('atom');
    expect(feed.title).toBe('Cruscotto digitale: bandi per Morterone');
    expect(feed.language).toBe('it');
    expect(feed.items.map((i) => i.title)).toEqual(['Servizi digitali & cloud per i piccoli comuni']);
    const [item] = feed.items;
    expect(item!.id).toBe(`urn:uuid:${callId}`);
    expect(item!.url).toBe(`${BASE}/bandi/${callId}?comune=097055`);
    expect(item!.description).toMatch(/Il comune può partecipare, pertinenza \d+\/100, importo stimato 23\.147 €/);
  });

  it('serve an iCalendar of deadlines and openings in Europe/Rome, with alarms, that ical.js parses', async () => {
    const { ical } = (await rtd.get('/api/v1/comuni/097055/feeds')).body;
    const res = await request(ctx.app.server).get(path(ical));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    const list = events(res.text);
    const deadlines = list.filter((e) => e.summary.startsWith('Scadenza'));
    expect(deadlines.map((e) => e.uid)).toEqual([`${callId}-1-scadenza@cruscotto.example.it`, `${callId}-2-scadenza@cruscotto.example.it`]);
    expect(deadlines.map((e) => [e.start.zone?.tzid, e.start.toString()])).toEqual([
      ['Europe/Rome', '2027-01-15T12:00:00'],
      ['Europe/Rome', '2027-03-31T17:00:00'],
    ]);
    expect(deadlines.map((e) => e.start.toJSDate().toISOString())).toEqual(['2027-01-15T11:00:00.000Z', '2027-03-31T15:00:00.000Z']);
    expect(deadlines[0]!.summary).toBe('Scadenza: Servizi digitali & cloud per i piccoli comuni');
    expect(deadlines[0]!.alarms).toEqual(['-P14D', '-P7D', '-P2D']);
    const openings = list.filter((e) => e.summary.startsWith('Apertura'));
    expect(openings.map((e) => e.start.toString())).toEqual(['2026-11-02T09:00:00', '2027-03-01T09:00:00']);
  });

  it('keep the event UIDs when a date moves, with a higher SEQUENCE', async () => {
    const { ical } = (await rtd.get('/api/v1/comuni/097055/feeds')).body;
    const before = events((await request(ctx.app.server).get(path(ical))).text).find((e) => e.uid.startsWith(`${callId}-1-scadenza`))!;
    const current = (await editor.get(`/api/v1/calls/${callId}`)).body;
    const moved = [{ ...WINDOWS[0]!, closesAt: '2027-01-29T11:00:00.000Z' }, WINDOWS[1]!];
    await editor
      .put(`/api/v1/calls/${callId}`)
      .set('x-csrf-token', editor.csrf)
      .send(callInput({ title: current.title, eligibility: SMALL_ONLY, windows: moved, procedure: 'finestre' }))
      .expect(200);
    await processCallEvents(ctx.app);
    const after = events((await request(ctx.app.server).get(path(ical))).text).find((e) => e.uid === before.uid)!;
    expect(after.start.toString()).toBe('2027-01-29T12:00:00');
    expect(after.sequence).toBeGreaterThan(before.sequence);
  });

  it('stop working when rotated', async () => {
    const old = (await rtd.get('/api/v1/comuni/097055/feeds')).body;
    const rotated = await rtd.post('/api/v1/comuni/097055/feeds/rotate').set('x-csrf-token', rtd.csrf);
    expect(rotated.status).toBe(200);
    expect(rotated.body.atom).not.toBe(old.atom);
    const gone = await request(ctx.app.server).get(path(old.atom));
    expect(gone.status).toBe(404);
    expect(gone.body.detail).toBe('Feed non trovato: l’indirizzo è sbagliato o è stato rigenerato.');
    expect((await request(ctx.app.server).get(path(rotated.body.ical))).status).toBe(200);
  });
});

describe('calendar text', () => {
  it('keeps a title with line breaks in its event, and folds long accented lines at 75 octets', async () => {
    const hostile = 'Bando\rEND:VEVENT\rBEGIN:VEVENT\rSUMMARY:finto\nDTSTART:20270101T000000\r\nUID:x; con, virgole \\ e barre';
    const long =
      'Perché più città possano offrire servizi digitali accessibili: è l’avviso per l’efficienza energetica, la sostenibilità e l’identità digitale';
    const hostileId = await publish(hostile);
    const longId = await publish(long);
    const { ical } = (await rtd.get('/api/v1/comuni/097055/feeds')).body;
    const res = await request(ctx.app.server).get(path(ical));
    expect(res.text.endsWith('\r\n')).toBe(true);
    const lines = res.text.slice(0, -2).split('\r\n');
    expect(lines.every((line) => Buffer.byteLength(line) <= 75 && !/[\r\n]/.test(line))).toBe(true);
    expect(lines.filter((line) => line === 'BEGIN:VEVENT').length).toBe(events(res.text).length);
    const list = events(res.text);
    expect(list.every((e) => /^[0-9a-f-]{36}-\d+-(apertura|scadenza)@cruscotto\.example\.it$/.test(e.uid))).toBe(true);
    const ofCall = (id: string) =>
      list
        .filter((e) => e.uid.startsWith(`${id}-`))
        .map((e) => e.summary)
        .sort();
    const shown = 'Bando\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:finto\nDTSTART:20270101T000000\nUID:x; con, virgole \\ e barre';
    expect(ofCall(hostileId)).toEqual([`Apertura: ${shown}`, `Apertura: ${shown}`, `Scadenza: ${shown}`, `Scadenza: ${shown}`]);
    expect(ofCall(longId)).toEqual([`Apertura: ${long}`, `Apertura: ${long}`, `Scadenza: ${long}`, `Scadenza: ${long}`]);
    expect(list.some((e) => e.summary === 'finto')).toBe(false);
  });
});

describe('personal feeds', () => {
  it('carry the calls of my comuni and those I follow, without those I muted, with my reminder days', async () => {
    const { atom, ical } = (await other.get('/api/v1/me/feeds')).body;
    const titles = async () => parseFeed((await request(ctx.app.server).get(path(atom))).text).items.map((i) => i.title);
    expect(await titles()).toEqual(['Smart city per le città']);
    await other.put(`/api/v1/me/follows/${callId}`).set('x-csrf-token', other.csrf).send({ mode: 'follow' }).expect(200);
    expect(await titles()).toEqual(['Smart city per le città', 'Servizi digitali & cloud per i piccoli comuni']);
    await other
      .put('/api/v1/me/subscriptions')
      .set('x-csrf-token', other.csrf)
      .send({ comuni: [], email: 'off', inApp: true, themes: [], programmes: [], minScore: 0, eligibleOnly: false, reminderDays: [30, 3] })
      .expect(200);
    const deadline = events((await request(ctx.app.server).get(path(ical))).text).find((e) => e.summary.startsWith('Scadenza: Servizi'))!;
    expect(deadline.alarms).toEqual(['-P30D', '-P3D']);
    await other.put(`/api/v1/me/follows/${callId}`).set('x-csrf-token', other.csrf).send({ mode: 'mute' }).expect(200);
    expect(await titles()).toEqual(['Smart city per le città']);
  });
});
