import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/src/app.ts';
import { createInvitation } from '../../server/src/modules/auth/users.service.ts';
import { testConfig } from '../helpers/app.ts';
import { createTestDatabase, openDb, type TestDatabase } from '../helpers/database.ts';
import { createComune, createTestUser } from '../helpers/identity.ts';
import { followToCallback, startSpidLikeProvider, type SpidAccount } from '../helpers/oidc-provider.ts';

const BASE = 'http://cruscotto.test';
const CALLBACK = `${BASE}/api/v1/auth/oidc/callback`;
const L1 = 'https://www.spid.gov.it/SpidL1';
const L2 = 'https://www.spid.gov.it/SpidL2';
const linked: SpidAccount = { sub: 'spid-rossi', fiscalNumber: 'TINIT-RSSMRA80A01D142X', name: 'Mario Rossi', acr: L2 };
const stranger: SpidAccount = { sub: 'spid-estraneo', fiscalNumber: 'TINIT-STRNGR80A01F205X', name: 'Estraneo', acr: L2 };
const weak: SpidAccount = { ...linked, acr: L1 };

let provider: Awaited<ReturnType<typeof startSpidLikeProvider>>;
let database: TestDatabase;
let app: FastifyInstance;
let otherClientApp: FastifyInstance;

async function appFor(clientId: string) {
  const instance = await buildApp(
    testConfig({
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: clientId,
      OIDC_CLIENT_SECRET: 'segreto-del-client-0123456789',
      OIDC_MIN_ACR: L2,
      PUBLIC_BASE_URL: BASE,
    }),
    { db: openDb(database) },
  );
  await instance.ready();
  return instance;
}

beforeAll(async () => {
  provider = await startSpidLikeProvider([
    { clientId: 'cruscotto', clientSecret: 'segreto-del-client-0123456789', redirectUri: CALLBACK },
    { clientId: 'altro-servizio', clientSecret: 'segreto-del-client-0123456789', redirectUri: CALLBACK },
  ]);
  for (const account of [linked, stranger]) provider.addAccount(account);
  database = await createTestDatabase();
  const db = openDb(database);
  await createComune(db, '019035', 'Crema');
  const user = await createTestUser(db, 'mario.rossi@comune.crema.cr.it', 'rtd', ['019035']);
  await db.updateTable('users').set({ oidc_issuer: provider.issuer, oidc_subject: linked.sub }).where('id', '=', user.id).execute();
  await db.destroy();
  app = await appFor('cruscotto');
  otherClientApp = await appFor('altro-servizio');
});
afterAll(async () => {
  await app?.close();
  await otherClientApp?.close();
  await provider?.close();
  await database?.drop();
});

/** Runs the whole browser journey and returns our callback's answer. */
async function signIn(target: FastifyInstance, account: SpidAccount, tamper?: (url: URL) => void, agent = request.agent(target.server)) {
  provider.willLogIn(account);
  const start = await agent.get('/api/v1/auth/oidc/start');
  expect(start.status).toBe(302);
  const authorization = new URL(start.headers.location!);
  expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorization.searchParams.get('nonce')).toBeTruthy();
  const callback = new URL(await followToCallback(authorization.href, CALLBACK));
  tamper?.(callback);
  return { agent, res: await agent.get(callback.pathname + callback.search) };
}

describe('login with SPID/CIE through OpenID Connect', () => {
  it('opens a session for an identity linked by an administrator', async () => {
    const { agent, res } = await signIn(app, linked);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    const me = await agent.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: 'mario.rossi@comune.crema.cr.it', oidcLinked: true });
  });

  it('refuses a tampered state', async () => {
    const { res } = await signIn(app, linked, (url) => url.searchParams.set('state', 'manomesso'));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('OIDC_STATE_INVALID');
  });

  it('refuses a code issued to another client (wrong audience)', async () => {
    const agent = request.agent(otherClientApp.server);
    provider.willLogIn(linked);
    const start = await agent.get('/api/v1/auth/oidc/start');
    const callback = new URL(await followToCallback(start.headers.location!, CALLBACK));
    // The code was issued to "altro-servizio"; redeeming it as "cruscotto" must fail.
    const ours = request.agent(app.server);
    const ourStart = await ours.get('/api/v1/auth/oidc/start');
    callback.searchParams.set('state', new URL(ourStart.headers.location!).searchParams.get('state')!);
    const res = await ours.get(callback.pathname + callback.search);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('OIDC_LOGIN_FAILED');
  });

  it('refuses an authentication level below the configured minimum', async () => {
    const { res } = await signIn(app, weak);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('OIDC_ACR_TOO_LOW');
  });

  it('never links an identity from its claims alone', async () => {
    const { res } = await signIn(app, stranger);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('OIDC_IDENTITY_NOT_LINKED');
    const db = openDb(database);
    expect(await db.selectFrom('users').select('id').where('oidc_subject', '=', stranger.sub).execute()).toEqual([]);
    await db.destroy();
  });

  it('links an identity through an invitation, once', async () => {
    const db = openDb(database);
    const { token } = await db
      .transaction()
      .execute((trx) =>
        createInvitation(trx, null, { email: 'invitato@comune.crema.cr.it', name: 'Invitato', role: 'rtd', comuni: ['019035'], aggregations: [] }),
      );
    await db.destroy();
    const agent = request.agent(app.server);
    const csrf = (await agent.get('/api/v1/auth/csrf')).body.token;
    expect((await agent.post('/api/v1/auth/oidc/invitation').set('x-csrf-token', csrf).send({ token })).status).toBe(204);
    const { res } = await signIn(app, stranger, undefined, agent);
    expect(res.status).toBe(302);
    expect((await agent.get('/api/v1/me')).body.user.email).toBe('invitato@comune.crema.cr.it');
  });

  it('sends a browser back to the login page with the reason', async () => {
    provider.willLogIn(stranger);
    const agent = request.agent(app.server);
    const start = await agent.get('/api/v1/auth/oidc/start');
    const callback = new URL(await followToCallback(start.headers.location!, CALLBACK));
    const res = await agent.get(callback.pathname + '?' + 'state=x').set('accept', 'text/html');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/accedi?errore=OIDC_STATE_INVALID');
  });
});
