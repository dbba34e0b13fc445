import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Access } from '../../server/src/modules/auth/auth.plugin.ts';
import { hasPermission, type Principal } from '../../server/src/modules/auth/auth.permissions.ts';
import { buildApp } from '../../server/src/app.ts';
import { createDb } from '../../server/src/plugins/db/database.ts';
import { testConfig, useTestApp } from '../helpers/app.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

// Hundreds of requests from one address: the rate limiter has its own tests.
const ctx = useTestApp({ env: { RATE_LIMIT_MAX: '100000' } });
const OWN = '019035';
const OTHER = '097055';
/** For people, covered by their own tests: they end the caller's session or erase the caller. */
const EXCLUDED = new Set(['DELETE /api/v1/me', 'POST /api/v1/auth/logout']);

type SessionCaller = 'rtd of the comune' | 'rtd of another comune' | 'staff of the comune' | 'lettura of the comune' | 'editor' | 'admin' | 'viewer';
type TokenCaller = 'rtd token of the comune' | 'editor token' | 'admin token' | 'admin token of the comune' | 'viewer token';
type Caller = 'anonymous' | SessionCaller | TokenCaller;
/** Sends a request as a caller: a browser-like agent with its CSRF token, or a bearer client. */
type Send = (method: string, url: string) => request.Test;
const callers = new Map<Caller, Send>();
const session = (userId: string, role: Principal['role'], comuni: Principal['comuni']): Principal => ({
  kind: 'session',
  userId,
  tokenId: null,
  createdBy: null,
  role,
  comuni,
  sessionId: null,
});
const token = (role: Principal['role'], comuni: Principal['comuni']): Principal => ({
  kind: 'token',
  userId: null,
  tokenId: 't',
  createdBy: 'x',
  role,
  comuni,
  sessionId: null,
});
const principals: Record<Exclude<Caller, 'anonymous'>, Principal> = {
  'rtd of the comune': session('x', 'rtd', new Set([OWN])),
  'rtd of another comune': session('x', 'rtd', new Set([OTHER])),
  'staff of the comune': session('x', 'staff', new Set([OWN])),
  'lettura of the comune': session('x', 'lettura', new Set([OWN])),
  editor: session('x', 'editor', 'all'),
  admin: session('x', 'admin', 'all'),
  viewer: session('x', 'viewer', 'all'),
  'rtd token of the comune': token('rtd', new Set([OWN])),
  'editor token': token('editor', 'all'),
  'admin token': token('admin', 'all'),
  'admin token of the comune': token('admin', new Set([OWN])),
  'viewer token': token('viewer', 'all'),
};

const asAgent =
  (agent: Agent): Send =>
  (method, url) => {
    const req = (agent as unknown as Record<string, (u: string) => request.Test>)[method.toLowerCase()]!(url);
    return method === 'GET' ? req : req.set('x-csrf-token', agent.csrf);
  };
const asToken =
  (secret: string): Send =>
  (method, url) =>
    (request(ctx.app.server) as unknown as Record<string, (u: string) => request.Test>)[method.toLowerCase()]!(url).set('authorization', `Bearer ${secret}`);

beforeAll(async () => {
  await createComune(ctx.db, OWN, 'Crema');
  await createComune(ctx.db, OTHER, 'Morterone');
  await createTestUser(ctx.db, 'rtd.own@example.it', 'rtd', [OWN]);
  await createTestUser(ctx.db, 'rtd.other@example.it', 'rtd', [OTHER]);
  await createTestUser(ctx.db, 'staff.own@example.it', 'staff', [OWN]);
  await createTestUser(ctx.db, 'lettura.own@example.it', 'lettura', [OWN]);
  for (const role of ['editor', 'admin', 'viewer'] as const) await createTestUser(ctx.db, `${role}@example.it`, role);
  // Anonymous, but holding the pre-session CSRF token a browser would have, so that only access rules are judged.
  const anonymous = request.agent(ctx.app.server) as Agent;
  anonymous.csrf = (await anonymous.get('/api/v1/auth/csrf')).body.token;
  callers.set('anonymous', asAgent(anonymous));
  callers.set('rtd of the comune', asAgent(await loginAs(ctx.app, 'rtd.own@example.it')));
  callers.set('rtd of another comune', asAgent(await loginAs(ctx.app, 'rtd.other@example.it')));
  callers.set('staff of the comune', asAgent(await loginAs(ctx.app, 'staff.own@example.it')));
  callers.set('lettura of the comune', asAgent(await loginAs(ctx.app, 'lettura.own@example.it')));
  const admin = await loginAs(ctx.app, 'admin@example.it');
  for (const role of ['editor', 'viewer'] as const) callers.set(role, asAgent(await loginAs(ctx.app, `${role}@example.it`)));
  callers.set('admin', asAgent(admin));
  // Tokens made by the admin, who holds every role: each token may do what its own role and scope allow.
  for (const [caller, { role, comuni }] of Object.entries(principals)) {
    if (principals[caller as Exclude<Caller, 'anonymous'>].kind !== 'token') continue;
    const scope = comuni === 'all' ? [] : [...comuni];
    const minted = await admin.post('/api/v1/api-tokens').set('x-csrf-token', admin.csrf).send({ name: caller, role, comuni: scope });
    callers.set(caller as TokenCaller, asToken(minted.body.secret));
  }
});

type Expected = 'allowed' | 401 | 403 | 'TOKEN_NOT_ALLOWED';
function expected(access: Access, caller: Caller, scopedToComune: boolean): Expected {
  if (access === 'public') return 'allowed';
  if (caller === 'anonymous') return 401;
  const principal = principals[caller];
  if ((access === 'person' || access.person) && principal.kind === 'token') return 'TOKEN_NOT_ALLOWED';
  if (access === 'person') return 'allowed';
  return hasPermission(principal, access.permission, scopedToComune ? OWN : undefined) ? 'allowed' : 403;
}

function judged(want: Expected, method: string, res: request.Response): boolean {
  if (want === 'allowed') return res.status !== 401 && res.status !== 403;
  // A HEAD answer has no body to carry the code.
  if (want === 'TOKEN_NOT_ALLOWED')
    return res.status === 403 && (method === 'HEAD' || (res.body.code === want && String(res.headers['content-type']).startsWith('application/problem+json')));
  return res.status === want;
}

function concretePath(path: string): string {
  return path.replace('{istat}', OWN).replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
}

describe('authorization matrix', () => {
  it('covers every operation of the OpenAPI document with a declared rule', async () => {
    const doc = ctx.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    for (const operation of operations) expect(ctx.app.routeAccess.has(operation), operation).toBe(true);
  });

  it('answers every route as its rule says, for every kind of caller, people and tokens', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const [route, access] of ctx.app.routeAccess) {
      const [method, path] = route.split(' ') as [string, string];
      const url = concretePath(path.replace(/:(\w+)/g, '{$1}'));
      const scoped = typeof access === 'object' && access.comune !== undefined && path.includes(':istat');
      for (const [caller, send] of callers) {
        // Ending the caller's session or erasing the caller has its own tests; a token must be refused them here.
        const isToken = caller !== 'anonymous' && principals[caller].kind === 'token';
        if (EXCLUDED.has(route) && !isToken) continue;
        const req = send(method, url);
        const res = method === 'POST' || method === 'PUT' ? await req.send({}) : await req;
        const want = expected(access, caller, scoped);
        // Sign-in routes check the pre-session CSRF token first, which a bearer client does not hold.
        if (access === 'public' && isToken && res.body?.code === 'CSRF_TOKEN_INVALID') continue;
        if (!judged(want, method, res)) failures.push(`${route} as ${caller}: expected ${want}, got ${res.status} ${res.body?.code ?? ''}`);
        checked++;
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  }, 300_000);

  it('refuses tokens every personal route, and only people may act on accounts, memberships and tokens', () => {
    const personal = [...ctx.app.routeAccess]
      .filter(([, access]) => access === 'person' || (typeof access === 'object' && access.person))
      .map(([route]) => route);
    const mine = [...ctx.app.routeAccess.keys()].filter((route) => route.includes(' /api/v1/me') || route.endsWith('/auth/logout'));
    expect(personal).toEqual(expect.arrayContaining(mine));
    const identity = [
      'POST /users',
      'PUT /users/:id',
      'POST /users/:id/memberships',
      'DELETE /users/:id/memberships/:membershipId',
      'POST /invitations',
      'POST /api-tokens',
      'DELETE /api-tokens/:id',
    ];
    for (const route of identity.map((r) => r.replace(' /', ' /api/v1/'))) expect(personal, route).toContain(route);
  });

  it('lets comune staff and read-only colleagues change neither the profile, the memberships nor the programming', () => {
    for (const caller of ['staff of the comune', 'lettura of the comune'] as const) {
      for (const permission of ['programming:write', 'invitations:create', 'subscriptions:write', 'users:manage', 'applications:write'] as const)
        expect(hasPermission(principals[caller], permission, OWN), `${caller} ${permission}`).toBe(false);
      expect(hasPermission(principals[caller], 'applications:read', OWN)).toBe(true);
      expect(hasPermission(principals[caller], 'applications:read', OTHER)).toBe(false);
    }
    expect(hasPermission(principals['staff of the comune'], 'applications:collaborate', OWN)).toBe(true);
    expect(hasPermission(principals['lettura of the comune'], 'applications:collaborate', OWN)).toBe(false);
  });

  it('fails the build of an app with a route that declares no rule', async () => {
    const app = await buildApp(testConfig(), { db: createDb('postgres://x@127.0.0.1:1/none') });
    expect(() => app.get('/api/v1/forgotten', async () => ({}))).toThrow(/declares no access rule/);
    expect(() => app.get('/api/v1/mistyped', { config: { access: 'authenticated' as 'person' } }, async () => ({}))).toThrow(/unknown access rule/);
    await app.close();
  });
});
