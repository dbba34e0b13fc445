import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Access } from '../../server/src/modules/auth/auth.plugin.ts';
import { hasPermission, type Principal } from '../../server/src/modules/auth/auth.permissions.ts';
import { buildApp } from '../../server/src/app.ts';
import { createDb } from '../../server/src/plugins/db/database.ts';
import { testConfig, useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
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
  await createFixtures(admin);
});

/** Existing rows for every path parameter, so that allowed probes reach their handler's real work. */
const fx = {
  call: '',
  otherCall: '',
  user: '',
  membership: '',
  apiToken: '',
  programming: '',
  aggregation: '',
  ingestSource: '',
  themeRule: '',
  savedSearch: '',
  webhook: '',
  aggregationWebhook: '',
  feedToken: 'x',
  step: '',
  note: '',
  ingestRun: '00000000-0000-4000-8000-000000000000',
};

async function createFixtures(admin: Agent) {
  const post = (url: string, body: object) => admin.post(url).set('x-csrf-token', admin.csrf).send(body);
  const created = async (url: string, body: object) => {
    const res = await post(url, body);
    expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body as Record<string, unknown>;
  };
  fx.call = (await created('/api/v1/calls', callInput({ title: 'Bando della matrice' }))).id as string;
  await ctx.db.updateTable('calls').set({ editorial_status: 'published', published_at: new Date() }).where('id', '=', fx.call).execute();
  fx.otherCall = (await created('/api/v1/calls', callInput({ title: 'Bando della matrice, duplicato' }))).id as string;
  const person = await createTestUser(ctx.db, 'fixture@example.it', 'rtd', [OWN]);
  fx.user = person.id;
  fx.membership = (await ctx.db.selectFrom('memberships').select('id').where('user_id', '=', person.id).executeTakeFirstOrThrow()).id;
  fx.apiToken = (await created('/api/v1/api-tokens', { name: 'da revocare', role: 'viewer', comuni: [] })).id as string;
  fx.programming = (await created(`/api/v1/comuni/${OWN}/programming`, PROGRAMMING_ITEM)).id as string;
  fx.aggregation = (await created('/api/v1/aggregations', AGGREGATION)).id as string;
  // Written directly: creating them through the API resolves the host name, and this machine may have no DNS.
  fx.ingestSource = (
    await ctx.db
      .insertInto('ingest_sources')
      .values({ name: INGEST_SOURCE.name, kind: 'rss', location: INGEST_SOURCE.location, every_minutes: null, enabled: false })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  fx.themeRule = (await created('/api/v1/theme-rules', { kind: 'keyword', pattern: 'matrice', themeCode: 'sicurezza' })).id as string;
  await created('/api/v1/themes', { code: 'matrice', label: 'Matrice' });
  fx.savedSearch = (await created('/api/v1/me/saved-searches', { name: 'Matrice', query: { q: 'cloud' }, notify: false })).id as string;
  const webhook = (owner: { comune_istat: string } | { aggregation_id: string }) =>
    ctx.db
      .insertInto('webhooks')
      .values({
        comune_istat: null,
        aggregation_id: null,
        ...owner,
        url: 'https://example.org/matrice',
        description: null,
        secret: 's'.repeat(32),
        created_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  fx.webhook = (await webhook({ comune_istat: OWN })).id;
  fx.aggregationWebhook = (await webhook({ aggregation_id: fx.aggregation })).id;
  await post(`/api/v1/comuni/${OWN}/feeds/rotate`, {});
  // The comune's application to the call, with a step and a note, for the probes of its steps and notes.
  const application = await admin.put(`/api/v1/comuni/${OWN}/applications/${fx.call}`).set('x-csrf-token', admin.csrf).send({ status: 'interessato' });
  expect(application.status, JSON.stringify(application.body)).toBeLessThan(300);
  fx.step = application.body.steps[0].id;
  const notes = await created(`/api/v1/comuni/${OWN}/applications/${fx.call}/notes`, { body: 'Nota della matrice' });
  fx.note = (notes.items as { id: string }[])[0]!.id;
  fx.feedToken = (await ctx.db.selectFrom('feed_tokens').select('token').executeTakeFirst())?.token ?? 'x';
}

const PROGRAMMING_ITEM = { title: 'Intervento della matrice', themes: ['sicurezza'], startYear: 2026, endYear: 2026 };
const AGGREGATION = { name: 'Unione della matrice', kind: 'unione', members: [{ istat: OWN }, { istat: OTHER }] };
const INGEST_SOURCE = {
  name: 'Fonte della matrice',
  kind: 'rss',
  location: 'https://example.org/feed.xml',
  everyMinutes: null,
  trusted: false,
  enabled: false,
};

/** A valid body for each route that takes one (by the route's schema); the rest get `{}`. */
function bodyFor(route: string): object | string {
  const bodies: Record<string, () => object> = {
    'POST /api/v1/auth/login': () => ({ email: 'nessuno@example.it', password: 'una-password-qualsiasi' }),
    'POST /api/v1/invitations/accept': () => ({ token: 'a'.repeat(43), password: 'una-password-lunga-abbastanza' }),
    'POST /api/v1/auth/password-reset': () => ({ email: 'nessuno@example.it' }),
    'POST /api/v1/auth/password-reset/confirm': () => ({ token: 'a'.repeat(43), password: 'una-password-lunga-abbastanza' }),
    'POST /api/v1/auth/oidc/invitation': () => ({ token: 'a'.repeat(43) }),
    'POST /api/v1/users': () => ({ email: `nuovo.${Math.random().toString(36).slice(2)}@example.it`, name: 'Nuovo', role: 'viewer' }),
    'PUT /api/v1/users/:id': () => ({ name: 'Fixture' }),
    'POST /api/v1/users/:id/memberships': () => ({ comuneIstat: OTHER }),
    'POST /api/v1/invitations': () => ({
      email: `invito.${Math.random().toString(36).slice(2)}@example.it`,
      name: 'Invitato',
      role: 'rtd',
      comuni: [OWN],
      aggregations: [],
    }),
    'POST /api/v1/api-tokens': () => ({ name: 'matrice', role: 'viewer', comuni: [] }),
    'PUT /api/v1/comuni/:istat/profile': () => ({ contacts: [], interests: ['sicurezza'], notes: null }),
    'POST /api/v1/comuni/:istat/programming': () => PROGRAMMING_ITEM,
    'PUT /api/v1/comuni/:istat/programming/:id': () => PROGRAMMING_ITEM,
    'POST /api/v1/aggregations': () => AGGREGATION,
    'PUT /api/v1/aggregations/:id': () => AGGREGATION,
    'POST /api/v1/calls': () => callInput({ title: 'Bando creato dalla matrice' }),
    'PUT /api/v1/calls/:id': () => callInput({ title: 'Bando della matrice' }),
    'POST /api/v1/calls/:id/schedule': () => ({ publishAt: daysFromNow(2) }),
    'POST /api/v1/calls/:id/withdraw': () => ({ reason: 'Prova della matrice' }),
    'POST /api/v1/calls/:id/merge': () => ({ duplicateId: fx.otherCall }),
    'POST /api/v1/ingest/sources': () => ({ ...INGEST_SOURCE, name: `Fonte ${Math.random().toString(36).slice(2)}` }),
    'PUT /api/v1/ingest/sources/:id': () => INGEST_SOURCE,
    'POST /api/v1/ingest/calls': () => ({ source: 'matrice', items: [{ externalId: 'm1', call: callInput({ title: 'Bando da un partner' }) }] }),
    'POST /api/v1/theme-rules': () => ({ kind: 'keyword', pattern: 'matrice', themeCode: 'sicurezza' }),
    'POST /api/v1/themes': () => ({ code: `matrice-${Math.random().toString(36).slice(2, 8)}`, label: 'Matrice' }),
    'PUT /api/v1/themes/:code': () => ({ label: 'Matrice rinominata' }),
    'PUT /api/v1/me/subscriptions': () => ({
      comuni: [],
      email: 'weekly',
      inApp: true,
      themes: [],
      programmes: [],
      minScore: 0,
      eligibleOnly: false,
      reminderDays: [7],
    }),
    'POST /api/v1/me/notifications/read': () => ({ ids: [] }),
    'PUT /api/v1/me/follows/:callId': () => ({ mode: 'follow' }),
    'POST /api/v1/me/saved-searches': () => ({ name: `Ricerca ${Math.random().toString(36).slice(2)}`, query: { q: 'cloud' }, notify: false }),
    'PUT /api/v1/me/saved-searches/:id': () => ({ name: 'Matrice', query: { q: 'cloud' }, notify: false }),
    'POST /api/v1/comuni/:istat/webhooks': () => ({ url: 'https://example.org/hook' }),
    'PATCH /api/v1/comuni/:istat/webhooks/:id': () => ({ description: 'Matrice' }),
    'POST /api/v1/aggregations/:owner/webhooks': () => ({ url: 'https://example.org/hook' }),
    'PATCH /api/v1/aggregations/:owner/webhooks/:id': () => ({ description: 'Matrice' }),
    'PUT /api/v1/comuni/:istat/applications/:callId': () => ({ status: 'interessato' }),
    'POST /api/v1/comuni/:istat/applications/:callId/steps': () => ({ title: 'Passo della matrice' }),
    'PATCH /api/v1/comuni/:istat/applications/:callId/steps/:stepId': () => ({ done: true }),
    'POST /api/v1/comuni/:istat/applications/:callId/notes': () => ({ body: 'Nota della matrice' }),
    'PUT /api/v1/comuni/:istat/applications/:callId/notes/:noteId': () => ({ body: 'Nota della matrice, rivista' }),
    'POST /api/v1/calls/:id/feedback': () => ({ useful: true }),
    'PUT /api/v1/analytics/indicators/targets/:key': () => ({ target: 250 }),
  };
  if (route.endsWith('/imports/:kind') || route.endsWith('/programming/import')) return 'codice_istat;denominazione\n';
  return bodies[route]?.() ?? {};
}

type Expected = 'allowed' | 401 | 403 | 'TOKEN_NOT_ALLOWED';
function expected(access: Access, caller: Caller, scopedToComune: boolean, ownedByAggregation = false): Expected {
  if (access === 'public') return 'allowed';
  if (caller === 'anonymous') return 401;
  const principal = principals[caller];
  if ((access === 'person' || access.person) && principal.kind === 'token') return 'TOKEN_NOT_ALLOWED';
  if (access === 'person') return 'allowed';
  // An aggregation's webhooks belong to whoever serves the whole aggregation, not to its members' RTDs.
  if (ownedByAggregation && principal.comuni !== 'all') return 403;
  return hasPermission(principal, access.permission, scopedToComune ? OWN : undefined) ? 'allowed' : 403;
}

/** Refusals by access control (as opposed to a handler's own answers, such as a wrong password's 401). */
const ACCESS_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'TOKEN_NOT_ALLOWED']);

function judged(want: Expected, method: string, res: request.Response): boolean {
  const refused = (res.status === 401 || res.status === 403) && (method === 'HEAD' || ACCESS_CODES.has(res.body?.code));
  if (want === 'allowed') return res.status < 500 && !refused;
  // A HEAD answer has no body to carry the code.
  if (want === 'TOKEN_NOT_ALLOWED')
    return res.status === 403 && (method === 'HEAD' || (res.body.code === want && String(res.headers['content-type']).startsWith('application/problem+json')));
  return res.status === want;
}

/** Whether the request got past access control and validation into the route's own code. */
const reachedHandler = (res: request.Response) =>
  res.status !== 415 && !(res.status === 400 && ['VALIDATION_FAILED', 'CSRF_TOKEN_INVALID'].includes(res.body?.code));

function concretePath(route: string, path: string): string {
  const byName: Record<string, string> = {
    istat: OWN,
    callId: fx.call,
    membershipId: fx.membership,
    owner: fx.aggregation,
    code: 'matrice',
    kind: 'comuni',
    user: fx.user,
    token: fx.feedToken,
    stepId: fx.step,
    noteId: fx.note,
  };
  const ids: [string, string][] = [
    ['/users/', fx.user],
    ['/api-tokens/', fx.apiToken],
    ['/programming/', fx.programming],
    ['/aggregations/:owner/webhooks/', fx.aggregationWebhook],
    ['/webhooks/', fx.webhook],
    ['/aggregations/', fx.aggregation],
    ['/ingest/sources/', fx.ingestSource],
    ['/ingest/runs/', fx.ingestRun],
    ['/theme-rules/', fx.themeRule],
    ['/saved-searches/', fx.savedSearch],
    ['/calls/', fx.call],
  ];
  const id = ids.find(([part]) => route.includes(`${part}:id`))?.[1] ?? '00000000-0000-4000-8000-000000000000';
  return path.replace(/:(\w+)/g, (_, name: string) => (name === 'id' ? id : (byName[name] ?? '00000000-0000-4000-8000-000000000000')));
}

describe('authorization matrix', () => {
  it('covers every operation of the OpenAPI document with a declared rule', async () => {
    const doc = ctx.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} /api/v1${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    for (const operation of operations) expect(ctx.app.routeAccess.has(operation), operation).toBe(true);
  });

  it('answers every route as its rule says, for every kind of caller, people and tokens', async () => {
    const failures: string[] = [];
    let checked = 0;
    const allowed: string[] = [];
    const notReached: string[] = [];
    let succeeded = 0;
    const destructive = (route: string) => route.startsWith('DELETE') || /\/(withdraw|archive|merge)$/.test(route);
    // Routes that remove or retire their fixture come last, the deepest first (a webhook before its aggregation).
    const routes = [...ctx.app.routeAccess].sort(([a], [b]) => Number(destructive(a)) - Number(destructive(b)) || (destructive(a) ? b.length - a.length : 0));
    for (const [route, access] of routes) {
      const [method, path] = route.split(' ') as [string, string];
      // The signed alert-link redirect needs its query; a wrong signature is the handler's own 400.
      const url = concretePath(route, path) + (route === 'GET /api/v1/r/alert' ? '?to=%2F&s=matrice' : '');
      // Scoped to the comune in the path, or to the one the body names (an invitation to Crema).
      const scoped = typeof access === 'object' && ((access.comune !== undefined && path.includes(':istat')) || route === 'POST /api/v1/invitations');
      for (const [caller, send] of callers) {
        // Ending the caller's session or erasing the caller has its own tests; a token must be refused them here.
        const isToken = caller !== 'anonymous' && principals[caller].kind === 'token';
        if (EXCLUDED.has(route) && !isToken) continue;
        const req = send(method, url);
        const body = bodyFor(route);
        const res = ['POST', 'PUT', 'PATCH'].includes(method)
          ? await (typeof body === 'string'
              ? req.set('content-type', 'text/csv').send(body)
              : method === 'PATCH'
                ? req.set('content-type', 'application/merge-patch+json').send(body)
                : req.send(body))
          : await req;
        const want = expected(access, caller, scoped, path.includes(':owner'));
        // Sign-in routes check the pre-session CSRF token first, which a bearer client does not hold.
        if (access === 'public' && isToken && res.body?.code === 'CSRF_TOKEN_INVALID') continue;
        if (!judged(want, method, res))
          failures.push(`${route} as ${caller}: expected ${want}, got ${res.status} ${res.body?.code ?? ''} ${res.body?.detail ?? ''}`);
        if (want === 'allowed') {
          allowed.push(route);
          if (res.status < 300) succeeded++;
          if (!reachedHandler(res)) notReached.push(`${route} as ${caller}: ${res.status} ${res.body?.code ?? ''}`);
        }
        checked++;
      }
    }
    expect(failures).toEqual([]);
    console.log(
      `authorization matrix: ${checked} probes, ${allowed.length} allowed, ${allowed.length - notReached.length} reached their handler, ${succeeded} of them answered 2xx`,
    );
    // Every allowed probe carries a valid body and existing ids, so it gets past validation into the handler.
    expect(notReached).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  }, 600_000);

  it('lets in exactly whom the OpenAPI document says, operation by operation', async () => {
    // Judged from the document's `security` alone: a caller is let in when it holds every scheme of one
    // requirement ({} asks for none). A browser holds the CSRF token (the anonymous one its pre-session
    // token), a signed-in one its session too; a bearer client holds only its API token.
    const holds: [Caller, string[]][] = [
      ['anonymous', ['csrfToken']],
      ['admin token', ['apiToken']],
      ['admin', ['oidcSession', 'csrfToken']],
    ];
    const doc = ctx.app.swagger() as { paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>> };
    const failures: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [verb, { security = [] }] of Object.entries(operations)) {
        const method = verb.toUpperCase();
        const route = `/api/v1${path.replace(/\{(\w+)\}/g, ':$1')}`;
        if (EXCLUDED.has(`${method} ${route}`)) continue;
        const expectations = holds.map(([caller, schemes]): [Caller, boolean] => [
          caller,
          security.some((requirement) => Object.keys(requirement).every((scheme) => schemes.includes(scheme))),
        ]);
        for (const [caller, admitted] of expectations) {
          const req = callers.get(caller)!(method, concretePath(route, route));
          const patch = method === 'PATCH' ? req.set('content-type', 'application/merge-patch+json') : req;
          const res = method === 'GET' || method === 'DELETE' ? await req : await patch.send({});
          const refused = res.status === 401 || res.status === 403;
          if (refused === admitted)
            failures.push(`${method} ${path} as ${caller}: the document says ${admitted ? 'in' : 'out'}, got ${res.status} ${res.body?.code ?? ''}`);
        }
      }
    }
    expect(failures).toEqual([]);
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

  it('lets comune staff and read-only colleagues read the comune but change neither the profile, the memberships nor the programming', async () => {
    const item = (await callers.get('admin')!('POST', `/api/v1/comuni/${OWN}/programming`).send(PROGRAMMING_ITEM)).body.id as string;
    const changes: [string, string, object | string][] = [
      ['PUT', `/api/v1/comuni/${OWN}/profile`, bodyFor('PUT /api/v1/comuni/:istat/profile')],
      ['POST', `/api/v1/comuni/${OWN}/programming`, PROGRAMMING_ITEM],
      ['PUT', `/api/v1/comuni/${OWN}/programming/${item}`, PROGRAMMING_ITEM],
      ['DELETE', `/api/v1/comuni/${OWN}/programming/${item}`, {}],
      ['POST', `/api/v1/comuni/${OWN}/programming/import`, 'codice_istat;denominazione\n'],
      ['POST', '/api/v1/invitations', { email: 'collega@example.it', name: 'Collega', role: 'staff', comuni: [OWN], aggregations: [] }],
      ['POST', `/api/v1/users/${fx.user}/memberships`, { comuneIstat: OWN }],
      ['DELETE', `/api/v1/users/${fx.user}/memberships/${fx.membership}`, {}],
      ['PUT', `/api/v1/comuni/${OWN}/applications/${fx.call}`, { status: 'presentata' }],
    ];
    const refused: string[] = [];
    for (const caller of ['staff of the comune', 'lettura of the comune'] as const) {
      const send = callers.get(caller)!;
      for (const [method, url, body] of changes) {
        const req = send(method, url);
        const res = await (typeof body === 'string' ? req.set('content-type', 'text/csv').send(body) : method === 'DELETE' ? req : req.send(body));
        if (res.status === 403 && res.body.code === 'FORBIDDEN') refused.push(`${caller} ${method} ${url}`);
      }
      expect((await send('GET', `/api/v1/comuni/${OWN}/profile`)).status, `${caller} reads the profile`).toBe(200);
      expect((await send('GET', `/api/v1/comuni/${OWN}/programming`)).status, `${caller} reads the programming`).toBe(200);
      expect((await send('GET', `/api/v1/comuni/${OWN}/applications/${fx.call}`)).status, `${caller} reads the application`).toBe(200);
    }
    expect(refused).toHaveLength(2 * changes.length);
    // Unchanged behind the refusals: the programming item is still there, nobody was invited.
    expect(await ctx.db.selectFrom('programming_items').select('id').where('id', '=', item).executeTakeFirst()).toBeDefined();
    expect(await ctx.db.selectFrom('invitations').select('id').where('email', '=', 'collega@example.it').executeTakeFirst()).toBeUndefined();
    // Staff work on the application (a note), read-only colleagues do not.
    const note = (caller: Caller) => callers.get(caller)!('POST', `/api/v1/comuni/${OWN}/applications/${fx.call}/notes`).send({ body: 'Visto.' });
    expect((await note('staff of the comune')).status).toBe(201);
    expect((await note('lettura of the comune')).status).toBe(403);
  });

  it('fails the build of an app with a route that declares no rule', async () => {
    const app = await buildApp(testConfig(), { db: createDb('postgres://x@127.0.0.1:1/none') });
    expect(() => app.get('/api/v1/forgotten', async () => ({}))).toThrow(/declares no access rule/);
    expect(() => app.get('/api/v1/mistyped', { config: { access: 'authenticated' as 'person' } }, async () => ({}))).toThrow(/unknown access rule/);
    await app.close();
  });
});
