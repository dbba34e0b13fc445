import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverQueued } from '../../server/src/modules/alerts/alerts.delivery.ts';
import { processDigests } from '../../server/src/modules/alerts/alerts.digest.ts';
import { processAlertEvents } from '../../server/src/modules/alerts/alerts.service.ts';
import { processCallEvents } from '../../server/src/modules/matching/matching.jobs.ts';
import { createSmtpMailer } from '../../server/src/plugins/mail.ts';
import { trackedLink } from '../../server/src/shared/tracked-link.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

const BASE = 'http://cruscotto.example.it';
const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false', PUBLIC_BASE_URL: BASE } });
/** An alert link as the e-mail carries it: through the signed redirect that counts the click. */
const viaRedirect = (path: string) => trackedLink(BASE, ctx.app.config.sessionSecret, `${BASE}${path}`);
const options = () => ({ publicBaseUrl: BASE, secret: ctx.app.config.sessionSecret });
const RICENGO = '019081';
const BAGNOLO = '019005';
const CREMA = '019035';
const SMALL_ONLY = { bodyTypes: ['comune'], population: { max: 6000 }, aggregation: 'allowed' as const, exclusions: [], conditions: [] };
// 20,000 € up to 2,000 inhabitants, 30,000 € above: Ricengo and Bagnolo Cremasco get different sums.
const BRACKETS = {
  totalBudget: 5_000_000,
  amount: {
    kind: 'brackets' as const,
    brackets: [
      { populationMin: 0, populationMax: 2000, amount: 20000 },
      { populationMin: 2001, populationMax: null, amount: 30000 },
    ],
  },
};
const subscription = (email: string) => ({ comuni: [], email, inApp: true, themes: [], programmes: [], minScore: 0, eligibleOnly: false, reminderDays: [7] });

let sink: SmtpSink;
let editor: Agent;
let office: Agent;
let bagnolo: Agent;

async function publishAndAlert(title: string) {
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(callInput({ title, eligibility: SMALL_ONLY, money: BRACKETS, windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(30) }] }));
  await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  await processCallEvents(ctx.app);
  return { id: body.id as string, report: await processAlertEvents(ctx.db, options()) };
}
const send = () => deliverQueued(ctx.db, { mailer: createSmtpMailer(sink.url, 'Cruscotto <avvisi@cruscotto.example.it>'), webhooksAllowPrivateNetworks: true });

beforeAll(async () => {
  sink = await startSmtpSink();
  await createComune(ctx.db, RICENGO, 'Ricengo', 1700);
  await createComune(ctx.db, BAGNOLO, 'Bagnolo Cremasco', 5000);
  await createComune(ctx.db, CREMA, 'Crema', 34000);
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'ufficio@cremasco.example.it', 'rtd', [RICENGO, BAGNOLO, CREMA]);
  await createTestUser(ctx.db, 'rtd@bagnolo.example.it', 'rtd', [BAGNOLO]);
  editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  office = await loginAs(ctx.app, 'ufficio@cremasco.example.it');
  bagnolo = await loginAs(ctx.app, 'rtd@bagnolo.example.it');
  await office.put('/api/v1/me/subscriptions').set('x-csrf-token', office.csrf).send(subscription('immediate')).expect(200);
  await bagnolo.put('/api/v1/me/subscriptions').set('x-csrf-token', bagnolo.csrf).send(subscription('immediate')).expect(200);
});
afterAll(() => sink.close());

describe('alerts for a person serving several comuni', () => {
  it('send one immediate e-mail per event naming every comune the call matches, each with its amount, exactly once', async () => {
    const { id, report } = await publishAndAlert('Sportelli digitali per i comuni minori');
    expect(report).toMatchObject({ events: 1, emails: 2 });
    expect(await send()).toEqual({ sent: 2, failed: 0 });
    const mails = sink.messages.filter((m) => m.subject?.endsWith('Sportelli digitali per i comuni minori'));
    expect(mails).toHaveLength(2);
    const toOffice = mails.find((m) => m.to && 'text' in m.to && m.to.text === 'ufficio@cremasco.example.it')!;
    expect(toOffice.subject).toBe('Nuovo bando per Bagnolo Cremasco e Ricengo: Sportelli digitali per i comuni minori');
    expect(toOffice.text).toContain('Riguarda 2 dei tuoi comuni.');
    expect(toOffice.text).toMatch(/Bagnolo Cremasco: il comune può partecipare, pertinenza \d+\/100, importo stimato 30\.000 €\./);
    expect(toOffice.text).toMatch(/Ricengo: il comune può partecipare, pertinenza \d+\/100, importo stimato 20\.000 €\./);
    expect(toOffice.text).not.toContain('Crema:');
    expect(toOffice.text).toContain(`- Bagnolo Cremasco: ${viaRedirect(`/bandi/${id}?comune=${BAGNOLO}`)}`);
    expect(toOffice.text).toContain(`- Ricengo: ${viaRedirect(`/bandi/${id}?comune=${RICENGO}`)}`);
    expect(toOffice.html).toContain(`<a href="${viaRedirect(`/bandi/${id}?comune=${RICENGO}`).replaceAll('&', '&amp;')}" style="color: #0066cc">Ricengo</a>`);
    // A person serving one comune reads the message as before.
    const toBagnolo = mails.find((m) => m !== toOffice)!;
    expect(toBagnolo.subject).toBe('Nuovo bando per Bagnolo Cremasco: Sportelli digitali per i comuni minori');
    expect(toBagnolo.text).toContain(`Dettagli: ${viaRedirect(`/bandi/${id}?comune=${BAGNOLO}`)}`);
    // One in-app notification too, and a rerun of the event sends nothing more.
    const told = (await office.get('/api/v1/me/notifications?limit=100')).body.items.filter((n: { callId: string }) => n.callId === id);
    expect(told).toHaveLength(1);
    await ctx.db.updateTable('call_events').set({ alerted_at: null }).where('call_id', '=', id).execute();
    expect((await processAlertEvents(ctx.db, options())).emails).toBe(0);
    expect(await send()).toEqual({ sent: 0, failed: 0 });
  });

  it('list a call under each comune it matches in the digest, with that comune’s own amount', async () => {
    await office.put('/api/v1/me/subscriptions').set('x-csrf-token', office.csrf).send(subscription('daily')).expect(200);
    await ctx.db.deleteFrom('alert_deliveries').execute();
    await publishAndAlert('Archivi digitali per i comuni minori');
    const tomorrow = new Date(Date.now() + 86_400_000);
    expect(await processDigests(ctx.db, options(), tomorrow)).toEqual({ digests: 1 });
    const [digest] = await ctx.db.selectFrom('alert_deliveries').select('message').where('kind', '=', 'digest').execute();
    const message = digest!.message as { to: string; subject: string; text: string; html: string };
    expect(message.to).toBe('ufficio@cremasco.example.it');
    // Two calls, each under both comuni: counted once each.
    expect(message.subject).toMatch(/^Riepilogo giornaliero del Cruscotto: 2 novità /);
    const sections = message.text.split('\n\n');
    const section = (name: string) => sections.find((s) => s.startsWith(`${name.toUpperCase()}\n`)) ?? '';
    for (const title of ['Sportelli digitali per i comuni minori', 'Archivi digitali per i comuni minori']) {
      expect(section('Bagnolo Cremasco')).toContain(`- Nuovo bando per Bagnolo Cremasco: ${title}`);
      expect(section('Ricengo')).toContain(`- Nuovo bando per Ricengo: ${title}`);
    }
    expect(section('Bagnolo Cremasco')).toContain('importo stimato 30.000 €');
    expect(section('Bagnolo Cremasco')).not.toContain('20.000 €');
    expect(section('Ricengo')).toContain('importo stimato 20.000 €');
    expect(section('Ricengo')).toContain(encodeURIComponent(`?comune=${RICENGO}`));
    expect(section('Crema')).toBe('');
    expect(message.html).toContain('<h2 style="font-size: 1.1rem">Bagnolo Cremasco</h2>');
    expect(message.html).toContain('<h2 style="font-size: 1.1rem">Ricengo</h2>');
    expect(await processDigests(ctx.db, options(), tomorrow)).toEqual({ digests: 0 });
  });
});
