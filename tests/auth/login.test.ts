import { waitFor } from '../helpers/processes.ts';
import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { sha256 } from '../../server/src/shared/secrets.ts';
import { createComune, createTestUser, loginAs, PASSWORD } from '../helpers/identity.ts';

const ctx = useTestApp({ env: { LOGIN_MAX_FAILURES: '3' } });

beforeAll(async () => {
  await createComune(ctx.db, '019035', 'Crema');
  await createTestUser(ctx.db, 'rtd@comune.crema.cr.it', 'rtd', ['019035']);
  await createTestUser(ctx.db, 'bersaglio@comune.crema.cr.it', 'rtd', ['019035']);
});

async function attempt(email: string, password: string, headers: Record<string, string> = {}) {
  const agent = request.agent(ctx.app.server);
  const { body } = await agent.get('/api/v1/auth/csrf');
  return agent.post('/api/v1/auth/login').set(headers).set('x-csrf-token', body.token).send({ email, password });
}

describe('POST /api/v1/auth/login', () => {
  it('sets an HttpOnly SameSite=Lax session cookie and returns the user with memberships', async () => {
    const res = await attempt('RTD@comune.crema.cr.it', PASSWORD);
    expect(res.status).toBe(200);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('cruscotto_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    expect(res.body.user).toMatchObject({ email: 'rtd@comune.crema.cr.it', role: 'rtd', hasPassword: true });
    expect(res.body.memberships[0].comune).toEqual({ istat: '019035', name: 'Crema' });
    expect(res.body.comuni).toEqual(['019035']);
    expect(JSON.stringify(res.body)).not.toContain('password_hash');
  });

  it('gives the same answer for a wrong e-mail and a wrong password', async () => {
    const wrongEmail = await attempt('nessuno@comune.crema.cr.it', PASSWORD);
    const wrongPassword = await attempt('rtd@comune.crema.cr.it', 'sbagliata-sbagliata');
    for (const res of [wrongEmail, wrongPassword]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const strip = ({ requestId: _r, ...rest }: Record<string, unknown>) => rest;
    expect(strip(wrongEmail.body)).toEqual(strip(wrongPassword.body));
    expect(wrongEmail.body.detail).toBe('E-mail o password non corretti.');
  });

  it('refuses a login without the CSRF token', async () => {
    const res = await request(ctx.app.server).post('/api/v1/auth/login').send({ email: 'rtd@comune.crema.cr.it', password: PASSWORD });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('CSRF_TOKEN_INVALID');
  });

  it('answers the N+1-th failed login with 429 problem+json and Retry-After, even with the right password', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt('bersaglio@comune.crema.cr.it', 'tentativo-errato')).status).toBe(401);
    const locked = await attempt('bersaglio@comune.crema.cr.it', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.body.code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
    // Unknown accounts are throttled alike, so the lockout reveals nothing.
    for (let i = 0; i < 3; i++) await attempt('fantasma@comune.crema.cr.it', 'tentativo-errato');
    expect((await attempt('fantasma@comune.crema.cr.it', 'tentativo-errato')).status).toBe(429);
  });
});

describe('POST /api/v1/auth/login under parallel attempts', () => {
  // Each burst starts with no failures on record, from this address or any other.
  beforeEach(async () => {
    await ctx.db.deleteFrom('login_failures').execute();
  });
  const failuresOf = async (email: string) =>
    Number(
      (
        await ctx.db
          .selectFrom('login_failures')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('email_hash', '=', sha256(email))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('checks at most LOGIN_MAX_FAILURES of 50 parallel wrong passwords for one account and answers the rest 429', async () => {
    const statuses = (await Promise.all(Array.from({ length: 50 }, () => attempt('parallelo@comune.crema.cr.it', 'tentativo-errato')))).map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(await failuresOf('parallelo@comune.crema.cr.it')).toBeLessThanOrEqual(3);
  });

  it('does not let the right password in beyond the limit when it comes in a parallel burst of wrong ones', async () => {
    await createTestUser(ctx.db, 'raffica@comune.crema.cr.it', 'rtd', ['019035']);
    const burst = Array.from({ length: 29 }, () => attempt('raffica@comune.crema.cr.it', 'tentativo-errato'));
    const statuses = (await Promise.all([...burst, attempt('raffica@comune.crema.cr.it', PASSWORD)])).map((r) => r.status);
    // The right password gets in only if it was one of the first three checked.
    expect(statuses.filter((s) => s === 401 || s === 200).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(27);
  });

  it('ignores X-Forwarded-For when TRUST_PROXY is not set', async () => {
    await attempt('inoltrato@comune.crema.cr.it', 'tentativo-errato', { 'x-forwarded-for': '198.51.100.7' });
    const rows = await ctx.db.selectFrom('login_failures').select('ip').where('email_hash', '=', sha256('inoltrato@comune.crema.cr.it')).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.ip).toMatch(/127\.0\.0\.1|::1/);
  });
});

describe('sessions', () => {
  it('refuses an unsafe request of a cookie session without X-CSRF-Token', async () => {
    const agent = await loginAs(ctx.app, 'rtd@comune.crema.cr.it');
    const res = await agent.post('/api/v1/auth/logout');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('CSRF_TOKEN_INVALID');
    expect((await agent.get('/api/v1/me')).status).toBe(200);
  });

  it('logs out: the cookie no longer opens the session', async () => {
    const agent = await loginAs(ctx.app, 'rtd@comune.crema.cr.it');
    expect((await agent.post('/api/v1/auth/logout').set('x-csrf-token', agent.csrf)).status).toBe(204);
    const me = await agent.get('/api/v1/me');
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('UNAUTHENTICATED');
  });

  it('expires an idle session', async () => {
    const agent = await loginAs(ctx.app, 'rtd@comune.crema.cr.it');
    await ctx.db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(Date.now() - 2 * 3600_000) })
      .execute();
    // The app keeps principals in memory; the session's trigger tells it within moments.
    await waitFor(async () => (await agent.get('/api/v1/me')).status === 401, 5000, 'the idle session to be refused');
  });
});

describe('GET /api/v1/auth/session and /auth/methods', () => {
  it('say who is signed in without a 401 for anonymous visitors, and which ways of signing in are on', async () => {
    const anonymous = await request(ctx.app.server).get('/api/v1/auth/session');
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers['cache-control']).toBe('no-store');
    expect(anonymous.body).toEqual({ authenticated: false, me: null });
    const agent = await loginAs(ctx.app, 'rtd@comune.crema.cr.it');
    const signedIn = (await agent.get('/api/v1/auth/session')).body;
    expect(signedIn).toMatchObject({ authenticated: true, me: { user: { email: 'rtd@comune.crema.cr.it', role: 'rtd' }, comuni: ['019035'], scoped: true } });
    expect((await request(ctx.app.server).get('/api/v1/auth/methods')).body).toEqual({ password: true, oidc: false });
  });
});
