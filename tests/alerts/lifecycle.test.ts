import { beforeAll, describe, expect, it } from 'vitest';
import { processAlertEvents } from '../../server/src/modules/alerts/alerts.service.ts';
import { processScheduledAlerts } from '../../server/src/modules/alerts/alerts.schedule.ts';
import { processDigests } from '../../server/src/modules/alerts/alerts.digest.ts';
import { processSavedSearches } from '../../server/src/modules/alerts/saved-searches.service.ts';
import { processCallEvents } from '../../server/src/modules/matching/matching.jobs.ts';
import { drainSearchOutbox } from '../../server/src/modules/search/search.outbox.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const BASE = 'http://cruscotto.example.it';
const options = { publicBaseUrl: BASE, secret: 'x'.repeat(32), soonDays: 14 };
const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false', PUBLIC_BASE_URL: BASE } });
let editor: Agent;
let rtd: Agent;
let office: Agent;
let abbadia: Agent;

const SMALL_ONLY = { bodyTypes: ['comune'], population: { max: 5000 }, aggregation: 'allowed' as const, exclusions: [], conditions: [] };
const titles = async (agent: Agent) => (await agent.get('/api/v1/me/notifications?limit=100')).body.items.map((n: { title: string }) => n.title) as string[];
const bodyOf = async (agent: Agent, title: string) =>
  ((await agent.get('/api/v1/me/notifications?limit=100')).body.items as { title: string; body: string }[]).find((n) => n.title === title)?.body;

async function publish(title: string, over: Parameters<typeof callInput>[0] = {}): Promise<string> {
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(callInput({ title, eligibility: SMALL_ONLY, ...over }));
  await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  await settle();
  return body.id;
}
async function edit(id: string, over: Parameters<typeof callInput>[0]) {
  const current = (await editor.get(`/api/v1/calls/${id}`)).body;
  await editor
    .put(`/api/v1/calls/${id}`)
    .set('x-csrf-token', editor.csrf)
    .send(callInput({ title: current.title, eligibility: SMALL_ONLY, ...over }))
    .expect(200);
  await settle();
}
async function settle() {
  await processCallEvents(ctx.app);
  await processAlertEvents(ctx.db, options);
}

beforeAll(async () => {
  await createComune(ctx.db, '097055', 'Morterone', 30);
  await createComune(ctx.db, '097001', 'Abbadia Lariana', 3200);
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'rtd@morterone.example.it', 'rtd', ['097055']);
  await createTestUser(ctx.db, 'ufficio@lecco.example.it', 'rtd', ['097055', '097001']);
  editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  rtd = await loginAs(ctx.app, 'rtd@morterone.example.it');
  office = await loginAs(ctx.app, 'ufficio@lecco.example.it');
  await createTestUser(ctx.db, 'rtd@abbadia.example.it', 'rtd', ['097001']);
  abbadia = await loginAs(ctx.app, 'rtd@abbadia.example.it');
});

describe('material changes', () => {
  it('are told in plain Italian "from X to Y" sentences to those who heard of the call', async () => {
    const id = await publish('Servizi cloud per i piccoli comuni', {
      windows: [{ opensAt: '2026-10-01T08:00:00.000Z', closesAt: '2027-01-15T16:00:00.000Z' }],
      money: { totalBudget: 1_000_000, remainingBudget: 400_000, amount: { kind: 'fixed', amount: 10_000 } },
    });
    await edit(id, {
      windows: [{ opensAt: '2026-10-01T08:00:00.000Z', closesAt: '2027-02-27T16:00:00.000Z' }],
      money: { totalBudget: 1_500_000, remainingBudget: 900_000, amount: { kind: 'fixed', amount: 10_000 } },
    });
    const body = await bodyOf(rtd, 'Bando modificato: Servizi cloud per i piccoli comuni');
    expect(body).toContain('La scadenza è stata prorogata: dal 15 gennaio 2027 al 27 febbraio 2027.');
    expect(body).toContain('Dotazione aumentata: da 1.000.000 € a 1.500.000 €.');
    expect(body).toContain('Risorse ricaricate: le risorse residue sono passate da 400.000 € a 900.000 €.');

    await edit(id, {
      windows: [{ opensAt: '2026-10-01T08:00:00.000Z', closesAt: '2027-02-27T16:00:00.000Z' }],
      money: { totalBudget: 1_500_000, remainingBudget: 0, amount: { kind: 'fixed', amount: 10_000 } },
    });
    expect(await titles(rtd)).toEqual(expect.arrayContaining(['Bando modificato: Servizi cloud per i piccoli comuni']));
    const all = (await rtd.get('/api/v1/me/notifications?limit=100')).body.items.filter((n: { callId: string }) => n.callId === id);
    expect(all.map((n: { body: string }) => n.body)).toEqual(
      expect.arrayContaining([expect.stringContaining('Fondi esauriti: le risorse residue sono passate da 900.000 € a 0 €.')]),
    );
    // A change that is not material (the summary) says nothing.
    const count = all.length;
    await edit(id, {
      summary: 'Testo riscritto',
      windows: [{ opensAt: '2026-10-01T08:00:00.000Z', closesAt: '2027-02-27T16:00:00.000Z' }],
      money: { totalBudget: 1_500_000, remainingBudget: 0, amount: { kind: 'fixed', amount: 10_000 } },
    });
    expect((await rtd.get('/api/v1/me/notifications?limit=100')).body.items.filter((n: { callId: string }) => n.callId === id)).toHaveLength(count);
  });

  it('reach a comune that stops being eligible, and tell of a withdrawal', async () => {
    const windows = [{ opensAt: '2026-11-02T08:00:00.000Z', closesAt: '2027-03-31T10:00:00.000Z' }];
    const id = await publish('Biblioteche digitali', { windows });
    await edit(id, { windows: [{ ...windows[0]!, closesAt: '2027-03-31T15:00:00.000Z' }] });
    expect(await bodyOf(rtd, 'Bando modificato: Biblioteche digitali')).toMatch(
      /^La scadenza è stata prorogata: dal 31 marzo 2027 ore 12:00 al 31 marzo 2027 ore 17:00\. Il comune può partecipare/,
    );
    await ctx.db.deleteFrom('notifications').where('call_id', '=', id).where('kind', '=', 'changed').execute();
    await edit(id, { windows: [{ ...windows[0]!, closesAt: '2027-03-31T15:00:00.000Z' }], eligibility: { ...SMALL_ONLY, population: { max: 1000 } } });
    // Abbadia Lariana (3,200 residents) no longer matches: its RTD, told of the call before, hears why.
    expect(await bodyOf(abbadia, 'Bando modificato: Biblioteche digitali')).toBe(
      'Popolazione ammessa: prima fino a 5.000 abitanti, ora fino a 1.000 abitanti. Scadenza 31 marzo 2027.',
    );
    expect(await bodyOf(rtd, 'Bando modificato: Biblioteche digitali')).toMatch(/^Popolazione ammessa: .* Il comune può partecipare/);
    await editor.post(`/api/v1/calls/${id}/withdraw`).set('x-csrf-token', editor.csrf).send({ reason: 'errore nella graduatoria' }).expect(200);
    await settle();
    expect(await bodyOf(rtd, 'Bando ritirato: Biblioteche digitali')).toBe('Il bando è stato ritirato dalla redazione: errore nella graduatoria');
  });
});

describe('following and muting a single call', () => {
  it('mute silences every later alert; follow brings news of a call outside my comuni', async () => {
    const id = await publish('Contributi per la cybersicurezza');
    await rtd.put(`/api/v1/me/follows/${id}`).set('x-csrf-token', rtd.csrf).send({ mode: 'mute' }).expect(200);
    await edit(id, { windows: [{ opensAt: daysFromNow(-10), closesAt: daysFromNow(90) }] });
    expect(await titles(rtd)).not.toContain('Bando modificato: Contributi per la cybersicurezza');
    expect(await titles(office)).toContain('Bando modificato: Contributi per la cybersicurezza');

    // A call for large comuni only: Morterone does not match it, but its RTD follows it.
    const big = await publish('Smart city per i capoluoghi', { eligibility: { ...SMALL_ONLY, population: { min: 50_000 } } });
    expect(await titles(rtd)).not.toContain('Nuovo bando: Smart city per i capoluoghi');
    const follow = await rtd.put(`/api/v1/me/follows/${big}`).set('x-csrf-token', rtd.csrf).send({ mode: 'follow' });
    expect(follow.body).toMatchObject({ callId: big, mode: 'follow', title: 'Smart city per i capoluoghi' });
    await edit(big, { eligibility: { ...SMALL_ONLY, population: { min: 50_000 } }, windows: [{ opensAt: daysFromNow(-10), closesAt: daysFromNow(75) }] });
    expect(await titles(rtd)).toContain('Bando modificato: Smart city per i capoluoghi');
    expect((await rtd.get('/api/v1/me/follows')).body.items.map((f: { mode: string }) => f.mode).sort()).toEqual(['follow', 'mute']);
    await rtd.delete(`/api/v1/me/follows/${big}`).set('x-csrf-token', rtd.csrf).expect(204);
    expect((await rtd.delete(`/api/v1/me/follows/${big}`).set('x-csrf-token', rtd.csrf)).status).toBe(404);
    expect((await rtd.put('/api/v1/me/follows/00000000-0000-4000-8000-000000000000').set('x-csrf-token', rtd.csrf).send({ mode: 'follow' })).status).toBe(404);
  });
});

describe('deadline reminders and window openings', () => {
  it('remind once per notice before closing, again if the deadline moves, and tell when an "in arrivo" window opens', async () => {
    const closes = new Date(Date.now() + 20 * 86_400_000);
    const opens = new Date(Date.now() + 3 * 86_400_000);
    await office
      .put('/api/v1/me/subscriptions')
      .set('x-csrf-token', office.csrf)
      .send({ comuni: [], email: 'off', inApp: true, themes: [], programmes: [], minScore: 0, eligibleOnly: false, reminderDays: [7] })
      .expect(200);
    await publish('Sportello digitale in arrivo', { windows: [{ opensAt: opens.toISOString(), closesAt: closes.toISOString() }] });
    await processScheduledAlerts(ctx.db, options, new Date());
    const at = (daysBefore: number) => new Date(closes.getTime() - daysBefore * 86_400_000 + 60_000);
    // The window opens (3 days from now), then 14 days before closing, then 7.
    expect((await processScheduledAlerts(ctx.db, options, new Date(opens.getTime() + 60_000))).openings).toBe(1);
    expect(await bodyOf(rtd, 'Aperto: Sportello digitale in arrivo')).toMatch(
      /^Le domande si presentano dal \d+ \w+ \d{4} fino al \d+ \w+ \d{4}\. Il comune può partecipare/,
    );
    expect((await processScheduledAlerts(ctx.db, options, at(14))).reminders).toBe(1);
    expect((await processScheduledAlerts(ctx.db, options, at(14))).reminders).toBe(0);
    expect((await processScheduledAlerts(ctx.db, options, at(7))).reminders).toBe(1);
    const reminders = (await titles(rtd)).filter((t) => t.startsWith('Scade'));
    expect(reminders).toEqual(['Scade tra 7 giorni: Sportello digitale in arrivo', 'Scade tra 14 giorni: Sportello digitale in arrivo']);
    expect(await bodyOf(rtd, 'Scade tra 7 giorni: Sportello digitale in arrivo')).toMatch(/^Le domande si presentano entro il \d+ \w+ \d{4}\./);
    // Only the notice a user asked for.
    expect((await titles(office)).filter((t) => t.startsWith('Scade'))).toEqual(['Scade tra 7 giorni: Sportello digitale in arrivo']);
  });

  it('remind again when the deadline moves', async () => {
    const closes = new Date(Date.now() + 30 * 86_400_000);
    const id = await publish('Prorogato due volte', { windows: [{ opensAt: daysFromNow(-5), closesAt: closes.toISOString() }] });
    await processScheduledAlerts(ctx.db, options, new Date(closes.getTime() - 14 * 86_400_000 + 60_000));
    const later = new Date(closes.getTime() + 10 * 86_400_000);
    await edit(id, { windows: [{ opensAt: daysFromNow(-5), closesAt: later.toISOString() }] });
    await processScheduledAlerts(ctx.db, options, new Date(later.getTime() - 14 * 86_400_000 + 60_000));
    expect((await titles(rtd)).filter((t) => t === 'Scade tra 14 giorni: Prorogato due volte')).toHaveLength(2);
  });
});

describe('digests', () => {
  it('send one message per period with the news grouped by comune, and nothing when there is nothing new', async () => {
    await ctx.db.deleteFrom('alert_deliveries').execute();
    await rtd
      .put('/api/v1/me/subscriptions')
      .set('x-csrf-token', rtd.csrf)
      .send({ comuni: [], email: 'immediate', inApp: true, themes: [], programmes: [], minScore: 0, eligibleOnly: false, reminderDays: [14, 7, 2] })
      .expect(200);
    const tomorrow = new Date(Date.now() + 86_400_000);
    await office
      .put('/api/v1/me/subscriptions')
      .set('x-csrf-token', office.csrf)
      .send({ comuni: [], email: 'daily', inApp: true, themes: [], programmes: [], minScore: 0, eligibleOnly: false, reminderDays: [14, 7, 2] })
      .expect(200);
    expect(await processDigests(ctx.db, options, tomorrow)).toEqual({ digests: 1 });
    const [digest] = await ctx.db.selectFrom('alert_deliveries').select(['message', 'kind']).where('kind', '=', 'digest').execute();
    const message = digest!.message as { to: string; subject: string; text: string; html: string; headers: Record<string, string> };
    expect(message.to).toBe('ufficio@lecco.example.it');
    expect(message.subject).toMatch(/^Riepilogo giornaliero del Cruscotto: \d+ novità \(\d+ \w+ \d{4}\)$/);
    expect(message.text).toContain('MORTERONE');
    expect(message.text).toContain('ABBADIA LARIANA');
    expect(message.html).toContain('<h2 style="font-size: 1.1rem">Morterone</h2>');
    expect(message.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    // The same period again, or the next day with nothing new: nothing.
    expect(await processDigests(ctx.db, options, tomorrow)).toEqual({ digests: 0 });
    expect(await processDigests(ctx.db, options, new Date(tomorrow.getTime() + 86_400_000))).toEqual({ digests: 0 });
  });
});

describe('saved searches', () => {
  it('are saved with a name and tell of new calls that enter them, once', async () => {
    const bad = await rtd
      .post('/api/v1/me/saved-searches')
      .set('x-csrf-token', rtd.csrf)
      .send({ name: 'Archivi', query: { q: 'archivi', theme: 'astronautica' }, notify: true });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ field: 'body.query.theme', message: 'Il tema «astronautica» non esiste.' }]);
    const before = await publish('Digitalizzazione degli archivi storici');
    const created = await rtd
      .post('/api/v1/me/saved-searches')
      .set('x-csrf-token', rtd.csrf)
      .send({ name: 'Archivi', query: { q: 'archivi', status: ['aperto', 'in_scadenza'] }, notify: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Archivi', notify: true, catalogueUrl: `${BASE}/cerca?q=archivi&status=aperto&status=in_scadenza` });
    expect((await rtd.post('/api/v1/me/saved-searches').set('x-csrf-token', rtd.csrf).send({ name: 'Archivi', query: {}, notify: false })).status).toBe(409);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const after = await publish('Archivio digitale dei comuni lombardi', { eligibility: { ...SMALL_ONLY, population: { min: 50_000 } } });
    await drainSearchOutbox(ctx.db, ctx.app.searchEngine);
    expect(await processSavedSearches(ctx.db, ctx.app.searchEngine, options)).toMatchObject({ notifications: 1 });
    expect(await processSavedSearches(ctx.db, ctx.app.searchEngine, options)).toMatchObject({ notifications: 0 });
    const told = (await rtd.get('/api/v1/me/notifications?limit=100')).body.items.filter((n: { title: string }) =>
      n.title.startsWith('Nuovo bando nella ricerca'),
    );
    expect(told).toEqual([
      expect.objectContaining({
        callId: after,
        title: 'Nuovo bando nella ricerca «Archivi»: Archivio digitale dei comuni lombardi',
        link: `${BASE}/bandi/${after}`,
      }),
    ]);
    expect(told.map((n: { callId: string }) => n.callId)).not.toContain(before);
    const id = created.body.id;
    expect(
      (
        await rtd
          .put(`/api/v1/me/saved-searches/${id}`)
          .set('x-csrf-token', rtd.csrf)
          .send({ name: 'Archivi aperti', query: { q: 'archivi' }, notify: false })
      ).body,
    ).toMatchObject({ name: 'Archivi aperti', notify: false });
    expect((await office.get(`/api/v1/me/saved-searches/${id}`)).status).toBe(404);
    expect((await rtd.get('/api/v1/me/saved-searches')).body.items).toHaveLength(1);
    await rtd.delete(`/api/v1/me/saved-searches/${id}`).set('x-csrf-token', rtd.csrf).expect(204);
  });
});
