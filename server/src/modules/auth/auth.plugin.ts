import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { accessSentence, securityOf } from './auth.openapi.ts';
import { hasPermission, type Permission, type Principal } from './auth.permissions.ts';
import { sessionPrincipal, findLiveSession, findLiveToken, markTokenUsed, tokenPrincipal, touchSession } from './principal.queries.ts';
import { hmac, randomToken, safeEqual, sha256 } from '../../shared/secrets.ts';
import { forbidden, tokenNotAllowed, unauthorized } from '../../shared/domain-errors.ts';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';

export const SESSION_COOKIE = 'cruscotto_session';
export const CSRF_COOKIE = 'cruscotto_csrf';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const TOUCH_AFTER_MS = 60_000;
/** The writes that can change a session's or a token's rights or end them. */
const CHANGES_PRINCIPALS = /^\/api\/v1\/((auth|api-tokens|users|invitations|aggregations|imports)(\/|\?|$)|me(\?|$))/;
const PRINCIPALS_CHANGED_CHANNEL = 'principals_changed';

/**
 * What a route needs; declared on every /api/v1 route, enforced by one hook below. `person`: a
 * signed-in person, for what is theirs (`/me…`, sessions, feeds). API tokens are machine identities:
 * they never reach a `person` route, nor a permission route marked `person: true` (who may act on
 * accounts, memberships, tokens).
 */
export type Access = 'public' | 'person' | { permission: Permission; comune?: (request: FastifyRequest) => string | undefined; person?: true };

/** OpenAPI descriptions of the 403 a `person` route answers to a token (and, when unsafe, to a bad CSRF token). */
export const PERSON_403 = 'Non disponibile con un token API (TOKEN_NOT_ALLOWED): serve un accesso personale';
export const PERSON_WRITE_403 = 'Token CSRF mancante o errato, o richiesta con un token API (TOKEN_NOT_ALLOWED)';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** `anonymous`: an unsafe route used before login (the login itself) checks the pre-session token. */
    csrf?: 'anonymous' | 'none';
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    routeAccess: AccessRegistry;
    /** Signed-in principals by credential hash; triggers on sessions, tokens, users and memberships drop them. */
    principalCache: NotifiedCache<KnownPrincipal>;
  }
}

export function cookieOptions(app: FastifyInstance, maxAgeSeconds?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: app.config.publicBaseUrl.startsWith('https:'),
    ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
  };
}

/** The CSRF token this request should carry: bound to its session, else to its pre-session cookie. */
function expectedCsrfToken(app: FastifyInstance, request: FastifyRequest, anonymousCookie: string | undefined): string | undefined {
  const sessionCookie = request.principal?.kind === 'session' ? request.cookies[SESSION_COOKIE] : undefined;
  if (sessionCookie) return hmac(app.config.sessionSecret, `session:${sha256(sessionCookie)}`);
  return anonymousCookie ? hmac(app.config.sessionSecret, `anonymous:${anonymousCookie}`) : undefined;
}

/** The token the SPA sends as X-CSRF-Token; sets the pre-session cookie when there is neither. */
export function csrfTokenFor(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): string {
  let anonymous = request.cookies[CSRF_COOKIE];
  const existing = expectedCsrfToken(app, request, anonymous);
  if (existing) return existing;
  anonymous = randomToken();
  reply.setCookie(CSRF_COOKIE, anonymous, cookieOptions(app));
  return expectedCsrfToken(app, request, anonymous)!;
}

function verifyCsrf(app: FastifyInstance, request: FastifyRequest): void {
  const header = request.headers['x-csrf-token'];
  const sent = typeof header === 'string' ? header : '';
  const expected = expectedCsrfToken(app, request, request.cookies[CSRF_COOKIE]);
  if (!expected || !safeEqual(sent, expected)) {
    throw forbidden('Sessione scaduta o richiesta non valida: ricarica la pagina e riprova.', 'CSRF_TOKEN_INVALID');
  }
}

/** A principal as cached: who it is, until when that holds without asking again, when it was last seen. */
interface KnownPrincipal {
  principal: Principal;
  validUntil: number;
  lastSeenAt: number;
}

/** Loads the principal behind `t:<token hash>` or `s:<session hash>`; undefined when there is none. */
async function loadPrincipal(app: FastifyInstance, key: string): Promise<KnownPrincipal | undefined> {
  const hash = key.slice(2);
  if (key.startsWith('t:')) {
    const token = await findLiveToken(app.db, hash);
    if (!token) return undefined;
    return {
      principal: await tokenPrincipal(app.db, token),
      validUntil: token.expires_at?.getTime() ?? Number.POSITIVE_INFINITY,
      lastSeenAt: token.last_used_at?.getTime() ?? 0,
    };
  }
  const session = await findLiveSession(app.db, hash, app.config.sessionIdleMinutes);
  if (!session) return undefined;
  return {
    principal: await sessionPrincipal(app.db, { id: session.userId, role: session.role }, hash),
    validUntil: Math.min(session.expiresAt.getTime(), session.lastSeenAt.getTime() + app.config.sessionIdleMinutes * 60_000),
    lastSeenAt: session.lastSeenAt.getTime(),
  };
}

async function resolvePrincipal(app: FastifyInstance, request: FastifyRequest): Promise<Principal | null> {
  const authorization = request.headers.authorization;
  const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : null;
  const cookieValue = request.cookies[SESSION_COOKIE];
  if (bearer === null && !cookieValue) return null;
  const key = bearer !== null ? `t:${sha256(bearer)}` : `s:${sha256(cookieValue!)}`;
  let known = await app.principalCache.get(key);
  if (known && Date.now() >= known.validUntil) {
    app.principalCache.invalidate(key);
    known = await app.principalCache.get(key);
  }
  if (!known) {
    if (bearer !== null) throw unauthorized('Il token di accesso non è valido, è scaduto o è stato revocato.', 'TOKEN_INVALID');
    return null;
  }
  if (Date.now() - known.lastSeenAt > TOUCH_AFTER_MS) {
    // Recorded beside the answer, not before it: the request does not wait for a timestamp's commit.
    // Marked seen at once, so the same person's other requests meanwhile do not record it again;
    // the row's trigger then drops the principal in every process, which reads it back.
    known.lastSeenAt = Date.now();
    const { principal } = known;
    const touched = principal.kind === 'token' ? markTokenUsed(app.db, principal.tokenId!) : touchSession(app.db, key.slice(2), principal.userId!);
    touched.then(
      () => app.principalCache.invalidate(key),
      (err: unknown) => request.log.warn({ err }, 'last seen time not recorded'),
    );
  }
  return known.principal;
}

function enforce(app: FastifyInstance, request: FastifyRequest): void {
  const { access, csrf } = request.routeOptions.config;
  if (UNSAFE_METHODS.has(request.method) && csrf !== 'none') {
    if (request.principal?.kind === 'session' || csrf === 'anonymous') verifyCsrf(app, request);
  }
  if (access === 'public' || access === undefined) return;
  const principal = request.principal;
  if (!principal) throw unauthorized();
  if ((access === 'person' || access.person) && principal.kind !== 'session') throw tokenNotAllowed();
  if (access === 'person') return;
  const comune = access.comune?.(request);
  if (!hasPermission(principal, access.permission, comune)) {
    throw forbidden(comune ? 'Non hai i permessi per operare su questo comune.' : undefined);
  }
}

/** Every API route's declared rule, by `METHOD /path`; the authorization matrix test reads it. */
export type AccessRegistry = Map<string, Access>;

function requireDeclaredAccess(registry: AccessRegistry, route: RouteOptions) {
  const hidden = (route.schema as { hide?: boolean } | undefined)?.hide;
  if (!route.url.startsWith('/api/v1') || hidden) return;
  const access = route.config?.access;
  if (access === undefined) throw new Error(`route ${String(route.method)} ${route.url} declares no access rule (config.access)`);
  if (typeof access === 'string' && access !== 'public' && access !== 'person')
    throw new Error(`route ${String(route.method)} ${route.url} declares an unknown access rule: ${access}`);
  for (const method of [route.method].flat()) registry.set(`${method} ${route.url}`, access);
  const csrf = route.config?.csrf;
  route.schema ??= {};
  const schema = route.schema as { security?: unknown; description?: string; summary?: string };
  // The HEAD route Fastify adds for a GET shares its schema: describe it once.
  if (schema.security) return;
  const method = [route.method].flat()[0]!;
  schema.security = securityOf(access, csrf, method);
  schema.description = [schema.description ?? schema.summary, accessSentence(access, csrf)].filter(Boolean).join('\n\n');
}

export const authPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(cookie);
    app.decorateRequest('principal', null);
    const registry: AccessRegistry = new Map();
    app.decorate('routeAccess', registry);
    app.addHook('onRoute', (route) => requireDeclaredAccess(registry, route));
    const principals = new NotifiedCache<KnownPrincipal>(PRINCIPALS_CHANGED_CHANNEL, (key) => loadPrincipal(app, key), 10_000);
    app.decorate('principalCache', principals.attach(app));
    app.addHook('onRequest', async (request) => {
      request.principal = await resolvePrincipal(app, request);
    });
    // Writes through this process that change who someone is (logout, revocations, roles, memberships,
    // aggregations) take effect on its next request; other processes learn of them through the
    // triggers' notifications. Other writes (a plan saved, a notification read) leave everyone's
    // principal in place: dropping them all made every signed-in user's next request reload it.
    app.addHook('onResponse', async (request) => {
      if (UNSAFE_METHODS.has(request.method) && CHANGES_PRINCIPALS.test(request.url)) principals.invalidate('*');
    });
    app.addHook('preValidation', async (request) => enforce(app, request));
  },
  { name: 'access-control', dependencies: ['database'] },
);
