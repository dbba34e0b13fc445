import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../server/src/shared/secrets.ts';
import { useTestApp } from '../helpers/app.ts';
import { createComune, createTestUser, PASSWORD } from '../helpers/identity.ts';

// Small numbers so the backoff runs in seconds (2, 4, 8…); the app believes X-Forwarded-For from loopback only.
const ctx = useTestApp({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_BACKOFF_SECONDS: '2', LOGIN_WINDOW_MINUTES: '1', TRUST_PROXY: 'loopback' } });

beforeAll(async () => {
  await createComune(ctx.db, '019035', 'Crema');
  for (const name of ['lento', 'assediata', 'amministratore', 'collega', 'nuova']) {
    await createTestUser(ctx.db, `${name}@comune.crema.cr.it`, 'rtd', ['019035']);
  }
});

async function attempt(from: string, email: string, password: string) {
  const agent = request.agent(ctx.app.server);
  const { body } = await agent.get('/api/v1/auth/csrf').set('x-forwarded-for', from);
  return agent.post('/api/v1/auth/login').set('x-forwarded-for', from).set('x-csrf-token', body.token).send({ email, password });
}

const retryAfter = (res: { headers: Record<string, string> }) => Number(res.headers['retry-after']);
const waitOut = (res: { headers: Record<string, string> }) => sleep(retryAfter(res) * 1000 + 150);

describe('POST /api/v1/auth/login throttling', () => {
  it('slows an account down with a delay that doubles, and lets the right password in once it has run', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt('192.0.2.1', 'lento@comune.crema.cr.it', 'tentativo-errato')).status).toBe(401);
    const first = await attempt('192.0.2.1', 'lento@comune.crema.cr.it', PASSWORD);
    expect(first.status).toBe(429);
    expect(first.body).toMatchObject({ code: 'TOO_MANY_LOGIN_ATTEMPTS', detail: 'Troppi tentativi di accesso non riusciti. Riprova tra 2 secondi.' });
    expect(retryAfter(first)).toBe(2);

    await waitOut(first);
    expect((await attempt('192.0.2.1', 'lento@comune.crema.cr.it', 'tentativo-errato')).status).toBe(401);
    const second = await attempt('192.0.2.1', 'lento@comune.crema.cr.it', PASSWORD);
    expect(second.status).toBe(429);
    expect(retryAfter(second)).toBe(4);
    expect(second.body.detail).toBe('Troppi tentativi di accesso non riusciti. Riprova tra 4 secondi.');

    await waitOut(second);
    expect((await attempt('192.0.2.1', 'lento@comune.crema.cr.it', PASSWORD)).status).toBe(200);
  });

  it('lets the person in after one short delay when their account is attacked from many addresses', async () => {
    const attacks = Array.from({ length: 12 }, (_, i) => attempt(`203.0.113.${i + 1}`, 'assediata@comune.crema.cr.it', 'tentativo-errato'));
    const statuses = (await Promise.all(attacks)).map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(3);

    const refused = await attempt('192.0.2.2', 'assediata@comune.crema.cr.it', PASSWORD);
    expect(refused.status).toBe(429);
    expect(retryAfter(refused)).toBeLessThanOrEqual(2);
    await waitOut(refused);
    expect((await attempt('192.0.2.2', 'assediata@comune.crema.cr.it', PASSWORD)).status).toBe(200);
  });

  it('does not hold back an address the account signed in from while others attack it', async () => {
    expect((await attempt('192.0.2.3', 'amministratore@comune.crema.cr.it', PASSWORD)).status).toBe(200);
    const attacks = Array.from({ length: 6 }, (_, i) => attempt(`203.0.113.${100 + i}`, 'amministratore@comune.crema.cr.it', 'tentativo-errato'));
    expect((await Promise.all(attacks)).filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(3);
    expect((await attempt('203.0.113.200', 'amministratore@comune.crema.cr.it', PASSWORD)).status).toBe(429);
    expect((await attempt('192.0.2.3', 'amministratore@comune.crema.cr.it', PASSWORD)).status).toBe(200);
  });

  it('keeps a flood of unknown e-mails from one address from locking out the people who sign in there', async () => {
    const office = '198.51.100.20';
    expect((await attempt(office, 'collega@comune.crema.cr.it', PASSWORD)).status).toBe(200);
    const flood: number[] = [];
    for (let i = 0; i < 25; i++) flood.push((await attempt(office, `ignoto${i}@example.it`, 'tentativo-errato')).status);
    // The address may try 4 × LOGIN_MAX_FAILURES accounts; further new ones wait for the window.
    expect(flood.slice(0, 12)).toEqual(Array(12).fill(401));
    expect(flood.slice(12)).toEqual(Array(13).fill(429));

    expect((await attempt(office, 'collega@comune.crema.cr.it', PASSWORD)).status).toBe(200);
    // Someone who never signed in from there looks like the flood until its failures age out.
    const newcomer = await attempt(office, 'nuova@comune.crema.cr.it', PASSWORD);
    expect(newcomer.status).toBe(429);
    expect(retryAfter(newcomer)).toBeLessThanOrEqual(60);
    expect((await attempt('192.0.2.4', 'nuova@comune.crema.cr.it', PASSWORD)).status).toBe(200);
  });

  it('takes the client address from X-Forwarded-For as the trusted proxy saw it', async () => {
    await attempt('203.0.113.9, 198.51.100.7', 'inoltrato@comune.crema.cr.it', 'tentativo-errato');
    const rows = await ctx.db.selectFrom('login_failures').select('ip').where('email_hash', '=', sha256('inoltrato@comune.crema.cr.it')).execute();
    expect(rows.map((r) => r.ip)).toEqual(['198.51.100.7']);
  });
});
