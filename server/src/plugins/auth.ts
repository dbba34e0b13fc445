import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { hasPermission, type Permission, type Principal } from '../modules/auth/permissions.ts';
import { sessionPrincipal, findLiveSession, findLiveToken, markTokenUsed, touchSession } from '../modules/auth/principal.queries.ts';
import { hmac, randomToken, safeEqual, sha256 } from '../modules/auth/secrets.ts';
import { AppError, forbidden, unauthorized } from './errors/problem.ts';

export const SESSION_COOKIE = 'cruscotto_session';
export const CSRF_COOKIE = 'cruscotto_csrf';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const TOUCH_AFTER_MS = 60_000;

/** What a route needs; declared on every /api/v1 route, enforced by one hook below. */
export type Access =
  | 'public'
  | 'authenticated'
  | { permission: Permission; comune?: (request: FastifyRequest) => string | undefined };

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
    throw new AppError(403, 'CSRF_TOKEN_INVALID', 'Sessione scaduta o richiesta non valida: ricarica la pagina e riprova.');
  }
}

async function resolvePrincipal(app: FastifyInstance, request: FastifyRequest): Promise<Principal | null> {
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) {
    const token = await findLiveToken(app.db, sha256(authorization.slice(7).trim()));
    if (!token) throw new AppError(401, 'TOKEN_INVALID', 'Il token di accesso non è valido, è scaduto o è stato revocato.');
    if (!token.last_used_at || Date.now() - token.last_used_at.getTime() > TOUCH_AFTER_MS) await markTokenUsed(app.db, token.id);
    return {
      kind: 'token',
      userId: token.created_by,
      tokenId: token.id,
      role: token.role,
      comuni: token.role === 'rtd' || token.comune_istats.length > 0 ? new Set(token.comune_istats) : 'all',
      sessionId: null,
    };
  }
  const cookieValue = request.cookies[SESSION_COOKIE];
  if (!cookieValue) return null;
  const idHash = sha256(cookieValue);
  const session = await findLiveSession(app.db, idHash, app.config.sessionIdleMinutes);
  if (!session) return null;
  if (Date.now() - session.lastSeenAt.getTime() > TOUCH_AFTER_MS) await touchSession(app.db, idHash, session.userId);
  return sessionPrincipal(app.db, { id: session.userId, role: session.role }, idHash);
}

function enforce(app: FastifyInstance, request: FastifyRequest): void {
  const { access, csrf } = request.routeOptions.config;
  if (UNSAFE_METHODS.has(request.method) && csrf !== 'none') {
    if (request.principal?.kind === 'session' || csrf === 'anonymous') verifyCsrf(app, request);
  }
  if (access === 'public' || access === undefined) return;
  const principal = request.principal;
  if (!principal) throw unauthorized();
  if (access === 'authenticated') return;
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
  for (const method of [route.method].flat()) registry.set(`${method} ${route.url}`, access);
}

export const authPlugin = fp(async (app: FastifyInstance) => {
  await app.register(cookie);
  app.decorateRequest('principal', null);
  const registry: AccessRegistry = new Map();
  app.decorate('routeAccess', registry);
  app.addHook('onRoute', (route) => requireDeclaredAccess(registry, route));
  app.addHook('onRequest', async (request) => {
    request.principal = await resolvePrincipal(app, request);
  });
  app.addHook('preValidation', async (request) => enforce(app, request));
});
