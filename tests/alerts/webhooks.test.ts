import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverQueued } from '../../server/src/modules/alerts/alerts.delivery.ts';
import { processAlertEvents } from '../../server/src/modules/alerts/alerts.service.ts';
import { webhookTargetProblem } from '../../server/src/modules/alerts/webhooks.target.ts';
import { createOutboxMailer } from '../../server/src/plugins/mail.ts';
import { processCallEvents } from '../../server/src/modules/matching/matching.jobs.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput } from '../helpers/calls.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const BASE = 'http://cruscotto.example.it';
const options = { publicBaseUrl: BASE, secret: 'x'.repeat(32) };
const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false', PUBLIC_BASE_URL: BASE, WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true' } });
const SMALL_ONLY = { bodyTypes: ['comune'], population: { max: 5000 }, aggregation: 'allowed' as const, exclusions: [], conditions: [] };

/** A webhook receiver on loopback: keeps every request; answers 500 while `failures` lasts. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}
const received: Received[] = [];
let failures = 0;
let receiver: Server;
let receiverUrl: string;
let editor: Agent;
let rtd: Agent;
let office: Agent;
let stranger: Agent;
let aggregationId: string;

const deliver = () => deliverQueued(ctx.db, { mailer: createOutboxMailer(ctx.db), webhooksAllowPrivateNetworks: true });
const verifies = (r: Received, secret: string) =>
  r.headers['x-cruscotto-signature-256'] === `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`;

async function publish(title: string) {
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(callInput({ title, eligibility: SMALL_ONLY }));
  await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  await processCallEvents(ctx.app);
  await processAlertEvents(ctx.db, options);
  return body.id as string;
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = failures-- > 0 ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cruscotto`;
  await createComune(ctx.db, '097055', 'Morterone', 30);
  await createComune(ctx.db, '097001', 'Abbadia Lariana', 3200);
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'rtd@morterone.example.it', 'rtd', ['097055']);
  await createTestUser(ctx.db, 'rtd@abbadia.example.it', 'rtd', ['097001']);
  const officeUser = await createTestUser(ctx.db, 'ufficio@valsassina.example.it', 'rtd');
  const { id } = await ctx.db
    .insertInto('aggregations')
    .values({ name: 'Ufficio RTD della Valsassina', kind: 'ufficio_rtd_associato' })
    .returning('id')
    .executeTakeFirstOrThrow();
  aggregationId = id;
  await ctx.db
    .insertInto('aggregation_members')
    .values([{ aggregation_id: id, comune_istat: '097055', joined_on: '2024-01-01' }])
    .execute();
  await ctx.db.insertInto('memberships').values({ user_id: officeUser.id, aggregation_id: id }).execute();
  editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  rtd = await loginAs(ctx.app, 'rtd@morterone.example.it');
  stranger = await loginAs(ctx.app, 'rtd@abbadia.example.it');
  office = await loginAs(ctx.app, 'ufficio@valsassina.example.it');
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

describe('webhooks of a comune', () => {
  let hook: { id: string; secret: string };

  it('are created by the comune’s RTDs, who see the signing key once', async () => {
    const res = await rtd
      .post('/api/v1/comuni/097055/webhooks')
      .set('x-csrf-token', rtd.csrf)
      .send({ url: receiverUrl, description: 'Gestionale del protocollo' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      url: receiverUrl,
      description: 'Gestionale del protocollo',
      active: true,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{32}$/),
    });
    hook = res.body;
    expect((await rtd.get('/api/v1/comuni/097055/webhooks')).body.items).toEqual([expect.not.objectContaining({ secret: expect.anything() })]);
    expect((await stranger.get('/api/v1/comuni/097055/webhooks')).status).toBe(403);
    const bad = await rtd.post('/api/v1/comuni/097055/webhooks').set('x-csrf-token', rtd.csrf).send({ url: 'ftp://esempio.it/hook' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ field: 'body.url', message: 'Sono ammessi solo indirizzi http o https.' }]);
  });

  it('send a signed test delivery on demand and log it', async () => {
    const res = await rtd.post(`/api/v1/comuni/097055/webhooks/${hook.id}/test`).set('x-csrf-token', rtd.csrf);
    expect(res.body).toMatchObject({ delivered: true, status: 204, error: null });
    const ping = received.at(-1)!;
    expect(ping.headers['x-cruscotto-event']).toBe('ping');
    expect(verifies(ping, hook.secret)).toBe(true);
    expect(verifies(ping, 'whsec_another')).toBe(false);
    const log = (await rtd.get(`/api/v1/comuni/097055/webhooks/${hook.id}/deliveries`)).body;
    expect(log.items[0]).toMatchObject({ channel: 'webhook', kind: 'test', status: 'sent', to: receiverUrl, subject: 'ping' });
  });

  it('carry a newly matched call, signed, with the comune and the call', async () => {
    const callId = await publish('Servizi cloud per i piccoli comuni');
    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    const delivery = received.at(-1)!;
    expect(delivery.headers['x-cruscotto-event']).toBe('call.matched');
    expect(delivery.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(verifies(delivery, hook.secret)).toBe(true);
    const body = JSON.parse(delivery.body);
    expect(body).toMatchObject({
      event: 'call.matched',
      comune: { istat: '097055', name: 'Morterone' },
      call: { id: callId, title: 'Servizi cloud per i piccoli comuni', url: `${BASE}/bandi/${callId}?comune=097055`, verdict: 'eligible', amountMax: 23147 },
    });
    expect(body.message.title).toBe('Nuovo bando per Morterone: Servizi cloud per i piccoli comuni');
  });

  it('retry a failing endpoint with backoff, logging why, until it accepts', async () => {
    failures = 2;
    const before = received.length;
    await publish('Archivi digitali');
    expect(await deliver()).toEqual({ sent: 0, failed: 1 });
    const log = async () => (await rtd.get(`/api/v1/comuni/097055/webhooks/${hook.id}/deliveries?limit=1`)).body.items[0];
    expect(await log()).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: 'HTTP 500: il destinatario non ha accettato la consegna',
      nextAttemptAt: expect.any(String),
    });
    // Not before its backoff…
    expect(await deliver()).toEqual({ sent: 0, failed: 0 });
    for (const outcome of [
      { sent: 0, failed: 1 },
      { sent: 1, failed: 0 },
    ]) {
      await ctx.db.updateTable('alert_deliveries').set({ next_attempt_at: new Date() }).where('status', '=', 'queued').execute();
      expect(await deliver()).toEqual(outcome);
    }
    expect(await log()).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    const attempts = received.slice(before);
    expect(attempts).toHaveLength(3);
    // The same delivery id each time: receivers can drop a repeat.
    expect(new Set(attempts.map((r) => r.headers['x-cruscotto-delivery'])).size).toBe(1);
  });

  it('can be disabled, rotated and deleted', async () => {
    const rotated = await rtd.post(`/api/v1/comuni/097055/webhooks/${hook.id}/rotate-secret`).set('x-csrf-token', rtd.csrf);
    expect(rotated.body.secret).not.toBe(hook.secret);
    await rtd.post(`/api/v1/comuni/097055/webhooks/${hook.id}/test`).set('x-csrf-token', rtd.csrf).expect(200);
    expect(verifies(received.at(-1)!, rotated.body.secret)).toBe(true);
    expect(
      (
        await rtd
          .patch(`/api/v1/comuni/097055/webhooks/${hook.id}`)
          .set('x-csrf-token', rtd.csrf)
          .set('content-type', 'application/merge-patch+json')
          .send({ active: false })
      ).body.active,
    ).toBe(false);
    await rtd.delete(`/api/v1/comuni/097055/webhooks/${hook.id}`).set('x-csrf-token', rtd.csrf).expect(204);
    expect((await rtd.get(`/api/v1/comuni/097055/webhooks/${hook.id}`)).status).toBe(404);
  });
});

describe('webhooks of an aggregation', () => {
  it('are managed by the RTDs of its office and carry its members’ matches', async () => {
    const created = await office.post(`/api/v1/aggregations/${aggregationId}/webhooks`).set('x-csrf-token', office.csrf).send({ url: receiverUrl });
    expect(created.status).toBe(201);
    await publish('Biblioteche digitali');
    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    const delivery = received.at(-1)!;
    expect(verifies(delivery, created.body.secret)).toBe(true);
    expect(JSON.parse(delivery.body)).toMatchObject({
      event: 'call.matched',
      comune: { istat: '097055', name: 'Morterone' },
      call: { title: 'Biblioteche digitali' },
    });
    expect((await stranger.get(`/api/v1/aggregations/${aggregationId}/webhooks`)).status).toBe(403);
    expect((await request(ctx.app.server).get(`/api/v1/aggregations/${aggregationId}/webhooks`)).status).toBe(401);
  });
});

describe('webhook addresses', () => {
  it('refuse loopback and private networks unless allowed', async () => {
    expect(await webhookTargetProblem('http://127.0.0.1:8080/hook', false)).toMatch(/^L’indirizzo 127\.0\.0\.1 è in una rete privata o locale/);
    expect(await webhookTargetProblem('http://[::1]/hook', false)).toMatch(/rete privata o locale/);
    expect(await webhookTargetProblem('http://10.1.2.3/hook', false)).toMatch(/rete privata o locale/);
    expect(await webhookTargetProblem('http://[::ffff:192.168.1.1]/hook', false)).toMatch(/rete privata o locale/);
    expect(await webhookTargetProblem('https://user:pw@esempio.it/hook', false)).toMatch(/^Non inserire credenziali/);
    expect(await webhookTargetProblem('http://127.0.0.1:8080/hook', true)).toBeNull();
    expect(await webhookTargetProblem('https://93.184.215.14/hook', false)).toBeNull();
  });
});

describe('the admins’ views of what was sent', () => {
  it('list the webhook deliveries apart from e-mails, and the outbox of unsent messages', async () => {
    await createTestUser(ctx.db, 'admin@anci.example.it', 'admin');
    const admin = await loginAs(ctx.app, 'admin@anci.example.it');
    const log = (await admin.get('/api/v1/alert-deliveries?channel=webhook&limit=100')).body;
    expect(log.total).toBeGreaterThan(0);
    expect(new Set(log.items.map((d: { channel: string }) => d.channel))).toEqual(new Set(['webhook']));
    // The comune's webhook was deleted with its log; the aggregation's delivery of a new match remains.
    expect(log.items.map((d: { kind: string; subject: string }) => `${d.kind} ${d.subject}`)).toContain('published call.matched');
    await createOutboxMailer(ctx.db).send({
      to: 'rtd@morterone.example.it',
      subject: 'Riepilogo settimanale del Cruscotto',
      text: 'Le novità della settimana.',
    });
    const outbox = (await admin.get('/api/v1/mail-outbox')).body;
    expect(outbox.items[0]).toMatchObject({
      to: 'rtd@morterone.example.it',
      subject: 'Riepilogo settimanale del Cruscotto',
      text: 'Le novità della settimana.',
      html: null,
    });
    expect((await rtd.get('/api/v1/mail-outbox')).status).toBe(403);
  });
});
