import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Access } from '../../server/src/plugins/auth.ts';
import { hasPermission, type Principal } from '../../server/src/modules/auth/permissions.ts';
import { buildApp } from '../../server/src/app.ts';
import { createDb } from '../../server/src/plugins/db/database.ts';
import { testConfig, useTestApp } from '../helpers/app.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

// Hundreds of requests from one address: the rate limiter has its own tests.
const ctx = useTestApp({ env: { RATE_LIMIT_MAX: '100000' } });
const OWN = '019035';
const OTHER = '097055';
/** Covered by their own tests: they end the caller's session or erase the caller. */
const EXCLUDED = new Set(['DELETE /api/v1/me', 'POST /api/v1/auth/logout']);

type Caller = 'anonymous' | 'rtd of the comune' | 'rtd of another comune' | 'editor' | 'admin' | 'viewer';
const agents = new Map<Caller, Agent>();
const principals: Record<Exclude<Caller, 'anonymous'>, Principal> = {
  'rtd of the comune': { kind: 'session', userId: 'x', tokenId: null, role: 'rtd', comuni: new Set([OWN]), sessionId: null },
  'rtd of another comune': { kind: 'session', userId: 'x', tokenId: null, role: 'rtd', comuni: new Set([OTHER]), sessionId: null },
  editor: { kind: 'session', userId: 'x', tokenId: null, role: 'editor', comuni: 'all', sessionId: null },
  admin: { kind: 'session', userId: 'x', tokenId: null, role: 'admin', comuni: 'all', sessionId: null },
  viewer: { kind: 'session', userId: 'x', tokenId: null, role: 'viewer', comuni: 'all', sessionId: null },
};

beforeAll(async () => {
  await createComune(ctx.db, OWN, 'Crema');
  await createComune(ctx.db, OTHER, 'Morterone');
  await createTestUser(ctx.db, 'rtd.own@example.it', 'rtd', [OWN]);
  await createTestUser(ctx.db, 'rtd.other@example.it', 'rtd', [OTHER]);
  for (const role of ['editor', 'admin', 'viewer'] as const) await createTestUser(ctx.db, `${role}@example.it`, role);
  // Anonymous, but holding the pre-session CSRF token a browser would have, so that only access rules are judged.
  const anonymous = request.agent(ctx.app.server) as Agent;
  anonymous.csrf = (await anonymous.get('/api/v1/auth/csrf')).body.token;
  agents.set('anonymous', anonymous);
  agents.set('rtd of the comune', await loginAs(ctx.app, 'rtd.own@example.it'));
  agents.set('rtd of another comune', await loginAs(ctx.app, 'rtd.other@example.it'));
  for (const role of ['editor', 'admin', 'viewer'] as const) agents.set(role, await loginAs(ctx.app, `${role}@example.it`));
});

function expected(access: Access, caller: Caller, scopedToComune: boolean): 'allowed' | 401 | 403 {
  if (access === 'public') return 'allowed';
  if (caller === 'anonymous') return 401;
  if (access === 'authenticated') return 'allowed';
  return hasPermission(principals[caller], access.permission, scopedToComune ? OWN : undefined) ? 'allowed' : 403;
}

function concretePath(path: string): string {
  return path.replace('{istat}', OWN).replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
}

describe('authorization matrix', () => {
  it('covers every operation of the OpenAPI document with a declared rule', async () => {
    const doc = ctx.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    for (const operation of operations) expect(ctx.app.routeAccess.has(operation), operation).toBe(true);
  });

  it('answers every route as its rule says, for every kind of caller', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const [route, access] of ctx.app.routeAccess) {
      if (EXCLUDED.has(route)) continue;
      const [method, path] = route.split(' ') as [string, string];
      const url = concretePath(path.replace(/:(\w+)/g, '{$1}'));
      const scoped = typeof access === 'object' && access.comune !== undefined && path.includes(':istat');
      for (const [caller, agent] of agents) {
        let req = (agent as unknown as Record<string, (u: string) => request.Test>)[method.toLowerCase()]!(url);
        if (method !== 'GET') req = req.set('x-csrf-token', agent.csrf);
        const res = method === 'POST' || method === 'PUT' ? await req.send({}) : await req;
        const want = expected(access, caller, scoped);
        const ok = want === 'allowed' ? res.status !== 401 && res.status !== 403 : res.status === want;
        if (!ok) failures.push(`${route} as ${caller}: expected ${want}, got ${res.status}`);
        checked++;
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('fails the build of an app with a route that declares no rule', async () => {
    const app = await buildApp(testConfig(), { db: createDb('postgres://x@127.0.0.1:1/none') });
    expect(() => app.get('/api/v1/forgotten', async () => ({}))).toThrow(/declares no access rule/);
    await app.close();
  });
});
