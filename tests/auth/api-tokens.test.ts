import type { FastifyRequest } from 'fastify';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../server/src/shared/secrets.ts';
import { createApiToken } from '../../server/src/modules/auth/users.service.ts';
import type { Role } from '../../server/src/plugins/db/schema.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput } from '../helpers/calls.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp();
const OWN = '019035';
const OTHER = '097055';
const TOKEN_NOT_ALLOWED = {
  code: 'TOKEN_NOT_ALLOWED',
  status: 403,
  detail: 'Questa operazione richiede un accesso personale: i token API non possono usarla.',
};
let admin: Agent;
let adminId: string;
let rtdId: string;

beforeAll(async () => {
  await createComune(ctx.db, OWN, 'Crema');
  await createComune(ctx.db, OTHER, 'Morterone');
  adminId = (await createTestUser(ctx.db, 'admin@anci.example.it', 'admin')).id;
  rtdId = (await createTestUser(ctx.db, 'rtd@comune.crema.cr.it', 'rtd', [OWN])).id;
  admin = await loginAs(ctx.app, 'admin@anci.example.it');
});

async function mint(by: Agent, role: Role, comuni: string[] = []): Promise<{ id: string; secret: string }> {
  const res = await by
    .post('/api/v1/api-tokens')
    .set('x-csrf-token', by.csrf)
    .send({ name: `Token ${role} ${comuni.join(',')}`, role, comuni });
  expect(res.status).toBe(201);
  return { id: res.body.token.id, secret: res.body.secret };
}

/** A machine client: a bearer token, no cookies, no CSRF token. */
function client(secret: string) {
  const server = request(ctx.app.server);
  const auth = { authorization: `Bearer ${secret}` };
  return {
    get: (url: string) => server.get(url).set(auth),
    post: (url: string, body: object = {}) => server.post(url).set(auth).send(body),
    put: (url: string, body: object = {}) => server.put(url).set(auth).send(body),
    delete: (url: string) => server.delete(url).set(auth),
  };
}

function expectTokenNotAllowed(res: request.Response, what: string) {
  expect(res.status, what).toBe(403);
  expect(res.headers['content-type'], what).toContain('application/problem+json');
  expect(res.body, what).toMatchObject(TOKEN_NOT_ALLOWED);
}

describe('an API token is a machine identity, not its creator', () => {
  it('gets 403 TOKEN_NOT_ALLOWED on every personal route, whatever its role, and erases no one', async () => {
    const tokens = {
      viewer: await mint(admin, 'viewer'),
      rtd: await mint(admin, 'rtd', [OWN]),
      admin: await mint(admin, 'admin'),
      'admin of a comune': await mint(admin, 'admin', [OWN]),
    };
    const search = { name: 'Ricerca del token', query: { q: 'digitale' }, notify: true };
    for (const [role, { secret }] of Object.entries(tokens)) {
      const api = client(secret);
      const attempts: [string, () => request.Test][] = [
        ['GET /me', () => api.get('/api/v1/me')],
        ['GET /me/export', () => api.get('/api/v1/me/export')],
        ['GET /me/feeds', () => api.get('/api/v1/me/feeds')],
        ['POST /me/feeds/rotate', () => api.post('/api/v1/me/feeds/rotate')],
        ['GET /comuni/:istat/feeds', () => api.get(`/api/v1/comuni/${OWN}/feeds`)],
        ['GET /me/saved-searches', () => api.get('/api/v1/me/saved-searches')],
        ['POST /me/saved-searches', () => api.post('/api/v1/me/saved-searches', search)],
        ['GET /me/subscriptions', () => api.get('/api/v1/me/subscriptions')],
        ['PUT /me/subscriptions', () => api.put('/api/v1/me/subscriptions', { comuni: [], themes: [] })],
        ['GET /me/notifications', () => api.get('/api/v1/me/notifications')],
        ['GET /me/follows', () => api.get('/api/v1/me/follows')],
        ['POST /auth/logout', () => api.post('/api/v1/auth/logout')],
        ['DELETE /me', () => api.delete('/api/v1/me')],
      ];
      for (const [what, attempt] of attempts) expectTokenNotAllowed(await attempt(), `${what} with a ${role} token`);
      expect((await api.get('/api/v1/auth/session')).body, `GET /auth/session with a ${role} token`).toEqual({ authenticated: false, me: null });
    }
    const creator = await ctx.db.selectFrom('users').select(['status', 'email']).where('id', '=', adminId).executeTakeFirstOrThrow();
    expect(creator).toEqual({ status: 'active', email: 'admin@anci.example.it' });
    expect((await admin.get('/api/v1/me')).status).toBe(200);
    expect(await ctx.db.selectFrom('saved_searches').select('id').where('user_id', '=', adminId).execute()).toEqual([]);
    expect(await ctx.db.selectFrom('feed_tokens').select('user_id').where('user_id', '=', adminId).execute()).toEqual([]);
  });

  it('still does what its own role and scope allow, recorded in the audit log under the token and its creator', async () => {
    const viewer = client((await mint(admin, 'viewer')).secret);
    expect((await viewer.get('/api/v1/coverage/uncovered')).status).toBe(200);
    expect((await viewer.post('/api/v1/calls', callInput({ title: 'Bando del lettore' }))).status).toBe(403);

    const editorToken = await mint(admin, 'editor');
    const draft = await client(editorToken.secret).post('/api/v1/calls', callInput({ title: 'Bozza da un token redazionale' }));
    expect(draft.status).toBe(201);
    expect(draft.body.editorialStatus).toBe('draft');
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'actor_token_id'])
      .where('action', '=', 'call.created')
      .where('entity_id', '=', draft.body.id)
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor_user_id: adminId, actor_token_id: editorToken.id });

    const rtd = client((await mint(admin, 'rtd', [OWN])).secret);
    expect((await rtd.get(`/api/v1/comuni/${OWN}/profile`)).status).toBe(200);
    expect((await rtd.get(`/api/v1/comuni/${OTHER}/profile`)).status).toBe(403);
  });
});

describe('a token dies with its creator’s access', () => {
  it('stops working (401) once its creator is disabled, and works again if they are re-enabled', async () => {
    await createTestUser(ctx.db, 'creatore@anci.example.it', 'admin');
    const creator = await loginAs(ctx.app, 'creatore@anci.example.it');
    const creatorId = (await creator.get('/api/v1/me')).body.user.id;
    const api = client((await mint(creator, 'admin')).secret);
    expect((await api.get('/api/v1/users')).status).toBe(200);

    expect((await admin.put(`/api/v1/users/${creatorId}`).set('x-csrf-token', admin.csrf).send({ status: 'disabled' })).status).toBe(200);
    const refused = await api.get('/api/v1/users');
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('TOKEN_INVALID');
    expect(
      (await api.post('/api/v1/users', { email: 'nuovo.admin@example.it', name: 'Nuovo', role: 'admin', password: 'password-lunga-abbastanza' })).status,
    ).toBe(401);
    expect(await ctx.db.selectFrom('users').select('id').where('email', '=', 'nuovo.admin@example.it').executeTakeFirst()).toBeUndefined();

    expect((await admin.put(`/api/v1/users/${creatorId}`).set('x-csrf-token', admin.csrf).send({ status: 'active' })).status).toBe(200);
    expect((await api.get('/api/v1/users')).status).toBe(200);
  });

  it('stops working once its creator no longer holds its role, while a token of a role they keep goes on', async () => {
    await createTestUser(ctx.db, 'declassato@anci.example.it', 'admin');
    const creator = await loginAs(ctx.app, 'declassato@anci.example.it');
    const creatorId = (await creator.get('/api/v1/me')).body.user.id;
    const adminToken = client((await mint(creator, 'admin')).secret);
    const viewerToken = client((await mint(creator, 'viewer')).secret);
    const rtdToken = client((await mint(creator, 'rtd', [OWN])).secret);

    expect((await admin.put(`/api/v1/users/${creatorId}`).set('x-csrf-token', admin.csrf).send({ role: 'editor' })).status).toBe(200);
    expect((await adminToken.get('/api/v1/users')).status).toBe(401);
    expect((await rtdToken.get(`/api/v1/comuni/${OWN}/profile`)).status).toBe(401);
    expect((await viewerToken.get('/api/v1/coverage/uncovered')).status).toBe(200);
  });

  it('learns of a creator disabled from another process, though principals are kept in memory', async () => {
    await createTestUser(ctx.db, 'altrove@anci.example.it', 'admin');
    const creator = await loginAs(ctx.app, 'altrove@anci.example.it');
    const creatorId = (await creator.get('/api/v1/me')).body.user.id;
    const api = client((await mint(creator, 'viewer')).secret);
    expect((await api.get('/api/v1/coverage/uncovered')).status).toBe(200);
    expect((await api.get('/api/v1/coverage/uncovered')).status).toBe(200);
    // As the CLI would: straight to the database, nothing said to this app but the trigger's notification.
    await ctx.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', creatorId).execute();
    const deadline = Date.now() + 2000;
    let status = 200;
    while (status !== 401 && Date.now() < deadline) status = (await api.get('/api/v1/coverage/uncovered')).status;
    expect(status).toBe(401);
  });

  it('keeps an RTD creator’s token to the role and comuni the creator still holds', async () => {
    // Only admins create tokens through the API; these rows stand for tokens an RTD could once have made.
    const insert = async (role: Role, comuni: string[]) => {
      const secret = `cru_test_${role}_${comuni.join('_')}_${Math.random().toString(36).slice(2)}`;
      await ctx.db
        .insertInto('api_tokens')
        .values({ name: 'Token di un RTD', role, comune_istats: comuni, token_hash: sha256(secret), created_by: rtdId })
        .execute();
      return client(secret);
    };
    const wide = await insert('rtd', [OWN, OTHER]);
    expect((await wide.get(`/api/v1/comuni/${OWN}/profile`)).status).toBe(200);
    expect((await wide.get(`/api/v1/comuni/${OTHER}/profile`)).status).toBe(403);
    expect((await (await insert('admin', [])).get('/api/v1/users')).status).toBe(401);
    expect((await (await insert('viewer', [])).get('/api/v1/coverage/uncovered')).status).toBe(401);
  });
});

describe('a token cannot mint tokens nor manage people', () => {
  it('refuses a comune-scoped admin token creating a token, a user, a membership or an invitation', async () => {
    const scoped = await mint(admin, 'admin', [OWN]);
    const api = client(scoped.secret);
    const liveTokens = () => ctx.db.selectFrom('api_tokens').select('id').where('revoked_at', 'is', null).orderBy('id').execute();
    const tokensBefore = await liveTokens();
    const membershipsBefore = await ctx.db.selectFrom('memberships').select('id').where('user_id', '=', rtdId).execute();

    expectTokenNotAllowed(await api.post('/api/v1/api-tokens', { name: 'Figlio', role: 'admin', comuni: [] }), 'POST /api-tokens');
    expectTokenNotAllowed(
      await api.post('/api/v1/users', { email: 'creato.da.token@example.it', name: 'X', role: 'admin', password: 'password-lunga-abbastanza' }),
      'POST /users',
    );
    expectTokenNotAllowed(await api.post(`/api/v1/users/${rtdId}/memberships`, { comuneIstat: OTHER }), 'POST /users/:id/memberships');
    expectTokenNotAllowed(await api.put(`/api/v1/users/${rtdId}`, { role: 'admin' }), 'PUT /users/:id');
    expectTokenNotAllowed(await api.post('/api/v1/invitations', { email: 'invitato@example.it', name: 'Y', role: 'rtd', comuni: [OWN] }), 'POST /invitations');
    expectTokenNotAllowed(await api.delete(`/api/v1/api-tokens/${tokensBefore[0]!.id}`), 'DELETE /api-tokens/:id');

    expect(await liveTokens()).toEqual(tokensBefore);
    expect(await ctx.db.selectFrom('memberships').select('id').where('user_id', '=', rtdId).execute()).toEqual(membershipsBefore);
    expect(await ctx.db.selectFrom('users').select(['role']).where('id', '=', rtdId).executeTakeFirstOrThrow()).toEqual({ role: 'rtd' });
    expect(await ctx.db.selectFrom('users').select('id').where('email', '=', 'creato.da.token@example.it').executeTakeFirst()).toBeUndefined();
    expect(await ctx.db.selectFrom('invitations').select('id').where('email', '=', 'invitato@example.it').executeTakeFirst()).toBeUndefined();
    // Scoped to one comune, it holds its role's powers on that comune only: not the registry, not every user.
    expect((await api.get(`/api/v1/comuni/${OWN}/programming`)).status).toBe(200);
    expect((await api.get(`/api/v1/comuni/${OTHER}/programming`)).status).toBe(403);
    expect((await api.get('/api/v1/users')).status).toBe(403);
    expect((await api.post('/api/v1/aggregations', { name: 'Unione creata da un token', kind: 'unione', members: [] })).status).toBe(403);
  });

  it('never gives a token more than its creator holds: an RTD mints only for their own comuni and role', async () => {
    const rtd = {
      principal: { kind: 'session', userId: rtdId, tokenId: null, createdBy: null, role: 'rtd', comuni: new Set([OWN]), sessionId: null },
      id: 'test',
      ip: '127.0.0.1',
    } as unknown as FastifyRequest;
    const mintAs = (input: { role: Role; comuni: string[] }) =>
      ctx.db.transaction().execute((trx) => createApiToken(trx, rtd, { name: 'Token di un RTD', ...input }));
    await expect(mintAs({ role: 'rtd', comuni: [OTHER] })).rejects.toMatchObject({ kind: 'forbidden', code: 'FORBIDDEN' });
    await expect(mintAs({ role: 'rtd', comuni: [] })).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(mintAs({ role: 'admin', comuni: [OWN] })).rejects.toMatchObject({ kind: 'forbidden' });
    const { token } = await mintAs({ role: 'rtd', comuni: [OWN] });
    expect(token.created_by).toBe(rtdId);
  });
});
