import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverQueued } from '../../server/src/modules/alerts/alerts.delivery.ts';
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
let sink: SmtpSink;
let editor: Agent;
let rtd: Agent;
const options = () => ({ publicBaseUrl: BASE, secret: ctx.app.config.sessionSecret });
const immediate = { comuni: [], email: 'immediate', inApp: true, themes: [], programmes: [], minScore: 0, eligibleOnly: false, reminderDays: [7] };

async function publishAndAlert(title: string) {
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(callInput({ title, windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(30) }] }));
  await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  await processCallEvents(ctx.app);
  return { id: body.id as string, report: await processAlertEvents(ctx.db, options()) };
}

beforeAll(async () => {
  sink = await startSmtpSink();
  await createComune(ctx.db, '097055', 'Morterone', 30);
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'rtd@morterone.example.it', 'rtd', ['097055']);
  await createTestUser(ctx.db, 'protocollo@pec.morterone.example.it', 'rtd', ['097055']);
  editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  rtd = await loginAs(ctx.app, 'rtd@morterone.example.it');
  await rtd.put('/api/v1/me/subscriptions').set('x-csrf-token', rtd.csrf).send(immediate).expect(200);
  const pec = await loginAs(ctx.app, 'protocollo@pec.morterone.example.it');
  await pec.put('/api/v1/me/subscriptions').set('x-csrf-token', pec.csrf).send(immediate).expect(200);
});
afterAll(() => sink.close());

describe('immediate e-mail alerts', () => {
  it('are sent through SMTP in Italian, with text and HTML parts, absolute links and one-click unsubscribe', async () => {
    const { id, report } = await publishAndAlert('Notifiche digitali per i piccoli comuni');
    // Two RTDs follow Morterone: the certified-mail (PEC) address gets no alert.
    expect(report).toMatchObject({ events: 1, emails: 1 });
    expect(
      await deliverQueued(ctx.db, { mailer: createSmtpMailer(sink.url, 'Cruscotto <avvisi@cruscotto.example.it>'), webhooksAllowPrivateNetworks: true }),
    ).toEqual({ sent: 1, failed: 0 });
    expect(sink.messages).toHaveLength(1);
    const [mail] = sink.messages;
    expect(mail!.subject).toBe('Nuovo bando per Morterone: Notifiche digitali per i piccoli comuni');
    expect(mail!.to).toMatchObject({ text: 'rtd@morterone.example.it' });
    expect(mail!.text).toContain('Il comune può partecipare, pertinenza');
    expect(mail!.text).toContain(`Dettagli: ${viaRedirect(`/bandi/${id}?comune=097055`)}`);
    expect(mail!.html).toContain('<html lang="it">');
    expect(mail!.html).toContain(`href="${viaRedirect(`/bandi/${id}?comune=097055`).replaceAll('&', '&amp;')}"`);
    const header = (name: string) =>
      mail!.headerLines
        .find((h) => h.key === name)
        ?.line.slice(name.length + 1)
        .trim();
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const unsubscribe = new URL(/^<(.+)>$/.exec(header('list-unsubscribe') ?? '')![1]!);
    expect(unsubscribe.origin).toBe(BASE);
    // The link people click opens the confirmation page with the same signed token.
    const page = `${BASE}${unsubscribe.pathname.replace('/api/v1/alerts/unsubscribe/', '/disiscrizione/')}`;
    expect(mail!.text).toContain(`Per non ricevere più avvisi per e-mail: ${page}`);
    expect(mail!.html).toContain(`href="${page}"`);

    // The mail client's one-click POST (RFC 8058): no cookie, no CSRF token, only the signed link.
    const oneClick = (path: string) => request(ctx.app.server).post(path).type('form').send('List-Unsubscribe=One-Click');
    const forged = unsubscribe.pathname.replace(/[^/]+$/, 'x'.repeat(43));
    expect((await oneClick(forged)).status).toBe(404);
    expect((await oneClick(unsubscribe.pathname)).status).toBe(204);
    expect((await rtd.get('/api/v1/me/subscriptions')).body.email).toBe('off');
    const { report: after } = await publishAndAlert('Un altro bando per Morterone');
    expect(after.emails).toBe(0);
    await rtd.put('/api/v1/me/subscriptions').set('x-csrf-token', rtd.csrf).send(immediate).expect(200);
  });

  it('are retried while the SMTP server is down and delivered exactly once when it is back', async () => {
    const before = sink.messages.length;
    const { id } = await publishAndAlert('Cloud per i comuni montani');
    const down = createSmtpMailer('smtp://127.0.0.1:9', 'avvisi@cruscotto.example.it');
    expect(await deliverQueued(ctx.db, { mailer: down, webhooksAllowPrivateNetworks: true })).toEqual({ sent: 0, failed: 1 });
    const queued = await ctx.db
      .selectFrom('alert_deliveries')
      .select(['status', 'attempts', 'last_error', 'next_attempt_at'])
      .where('status', '=', 'queued')
      .executeTakeFirstOrThrow();
    expect(queued).toMatchObject({ status: 'queued', attempts: 1 });
    expect(queued.last_error).toBeTruthy();
    expect(queued.next_attempt_at.getTime()).toBeGreaterThan(Date.now());
    // Not due yet: nothing is attempted.
    const up = createSmtpMailer(sink.url, 'avvisi@cruscotto.example.it');
    expect(await deliverQueued(ctx.db, { mailer: up, webhooksAllowPrivateNetworks: true })).toEqual({ sent: 0, failed: 0 });
    await ctx.db.updateTable('alert_deliveries').set({ next_attempt_at: new Date() }).where('status', '=', 'queued').execute();
    expect(await deliverQueued(ctx.db, { mailer: up, webhooksAllowPrivateNetworks: true })).toEqual({ sent: 1, failed: 0 });
    expect(await deliverQueued(ctx.db, { mailer: up, webhooksAllowPrivateNetworks: true })).toEqual({ sent: 0, failed: 0 });
    // A restart that runs the alerts again queues nothing new either.
    await ctx.db.updateTable('call_events').set({ alerted_at: null }).where('call_id', '=', id).execute();
    expect((await processAlertEvents(ctx.db, options())).emails).toBe(0);
    expect(await deliverQueued(ctx.db, { mailer: up, webhooksAllowPrivateNetworks: true })).toEqual({ sent: 0, failed: 0 });
    expect(sink.messages.length).toBe(before + 1);
    // The delivery log shows admins each message with its attempts and, for the failed one, why.
    await createTestUser(ctx.db, 'admin@anci.example.it', 'admin');
    const admin = await loginAs(ctx.app, 'admin@anci.example.it');
    const log = await admin.get('/api/v1/alert-deliveries?status=sent');
    expect(log.body.items[0]).toMatchObject({
      status: 'sent',
      to: 'rtd@morterone.example.it',
      subject: 'Nuovo bando per Morterone: Cloud per i comuni montani',
      attempts: 2,
    });
    expect(log.body.items[0].lastError).toBeNull();
    expect((await rtd.get('/api/v1/alert-deliveries')).status).toBe(403);
    expect(sink.messages.at(-1)!.subject).toBe('Nuovo bando per Morterone: Cloud per i comuni montani');
  });
});
