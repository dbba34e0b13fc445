import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { recordAudit } from './auth.audit.ts';
import { cookieOptions, csrfTokenFor, PERSON_403, PERSON_WRITE_403, SESSION_COOKIE } from './auth.plugin.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { LoginBody, PasswordResetBody, PasswordResetConfirmBody } from './auth.schemas.ts';
import { confirmPasswordReset, requestPasswordReset } from './password-reset.service.ts';
import { sendPasswordResetEmail } from './password-reset.email.ts';
import { authenticate, closeSession, openSession } from './login.service.ts';
import { describeMe, exportPersonalData } from './me.service.ts';
import { acceptInvitation, eraseUser } from './users.service.ts';
import { sessionPrincipal } from './principal.queries.ts';
import { sha256 } from '../../shared/secrets.ts';

export const PASSWORD_RESET_ANSWER =
  'Se l’indirizzo corrisponde a un account attivo, riceverai a breve un’e-mail con il collegamento per scegliere una nuova password. Il collegamento vale un’ora.';

const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const sessionCookie = () => cookieOptions(app, app.config.sessionAbsoluteHours * 3600);

  app.get(
    '/auth/csrf',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        operationId: 'getCsrfToken',
        summary: 'Token anti-CSRF da inviare come X-CSRF-Token',
        response: { 200: Type.Ref('CsrfToken') },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { token: csrfTokenFor(app, request, reply) };
    },
  );

  app.get(
    '/auth/methods',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        operationId: 'getLoginMethods',
        summary: 'Modi di accesso attivi su questa installazione (password, SPID/CIE)',
        response: {
          200: Type.Object({ password: Type.Boolean(), oidc: Type.Boolean({ description: 'Accesso con SPID o CIE tramite il broker OpenID Connect' }) }),
        },
      },
    },
    async () => ({ password: true, oidc: app.config.oidc !== undefined }),
  );

  app.post(
    '/auth/login',
    {
      config: { access: 'public', csrf: 'anonymous' },
      schema: {
        tags: ['auth'],
        operationId: 'login',
        summary: 'Accesso con e-mail e password',
        body: LoginBody,
        response: { 200: Type.Ref('Me'), ...problemResponses({ 401: 'Credenziali non valide', 403: 'Token CSRF mancante o errato' }) },
      },
    },
    async (request, reply) => {
      const user = await authenticate(app.db, app.config, request.ip, request.body.email, request.body.password);
      const secret = await openSession(app.db, app.config, user.id);
      request.principal = await sessionPrincipal(app.db, user);
      await recordAudit(app.db, request, { action: 'user.login', entity: 'user', entityId: user.id, changes: { method: 'password' } });
      reply.setCookie(SESSION_COOKIE, secret, sessionCookie());
      return describeMe(app.db, request.principal);
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { access: 'person' },
      schema: {
        tags: ['auth'],
        operationId: 'logout',
        summary: 'Chiude la sessione',
        response: { 204: Type.Null(), ...problemResponses({ 401: 'Non autenticato', 403: PERSON_WRITE_403 }) },
      },
    },
    async (request, reply) => {
      if (request.principal?.sessionId) await closeSession(app.db, request.principal.sessionId);
      await recordAudit(app.db, request, { action: 'user.logout', entity: 'user', entityId: request.principal?.userId ?? null });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      config: { access: 'person' },
      schema: {
        tags: ['auth'],
        operationId: 'getMe',
        summary: 'Utente corrente, ruolo e appartenenze',
        response: { 200: Type.Ref('Me'), ...problemResponses({ 401: 'Non autenticato', 403: PERSON_403, 404: 'Accesso non associato a un utente' }) },
      },
    },
    async (request) => describeMe(app.db, request.principal!),
  );

  app.get(
    '/auth/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        operationId: 'getSession',
        summary: 'Chi è collegato, se qualcuno lo è (per le pagine che si aprono anche senza accesso)',
        response: { 200: Type.Object({ authenticated: Type.Boolean(), me: Type.Union([Type.Null(), Type.Ref('Me')]) }) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return request.principal?.userId ? { authenticated: true, me: await describeMe(app.db, request.principal) } : { authenticated: false, me: null };
    },
  );

  app.get(
    '/me/export',
    {
      config: { access: 'person' },
      schema: {
        tags: ['auth'],
        operationId: 'exportMyData',
        summary: 'Esporta tutti i dati personali dell’utente corrente (GDPR)',
        response: {
          200: Type.Record(Type.String({ maxLength: 60 }), Type.Unknown(), {
            maxProperties: 100,
            description: 'I dati personali per sezione: account, appartenenze, sessioni, avvisi, ricerche salvate, …',
          }),
          ...problemResponses({ 401: 'Non autenticato', 403: PERSON_403, 404: 'Accesso non associato a un utente' }),
        },
      },
    },
    async (request, reply) => {
      reply.header('content-disposition', 'attachment; filename="i-miei-dati-cruscotto.json"');
      return exportPersonalData(app.db, request.principal!.userId!);
    },
  );

  app.delete(
    '/me',
    {
      config: { access: 'person' },
      schema: {
        tags: ['auth'],
        operationId: 'eraseMe',
        summary: 'Cancella i dati personali dell’utente corrente (GDPR)',
        response: { 204: Type.Null(), ...problemResponses({ 401: 'Non autenticato', 403: PERSON_WRITE_403 }) },
      },
    },
    async (request, reply) => {
      await app.db.transaction().execute((trx) => eraseUser(trx, request, request.principal!.userId!));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/invitations/accept',
    {
      config: { access: 'public', csrf: 'anonymous' },
      schema: {
        tags: ['auth'],
        operationId: 'acceptInvitation',
        summary: 'Accetta un invito impostando la password',
        body: Type.Object(
          { token: Type.String({ minLength: 10, maxLength: 200 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Me'), ...problemResponses({ 403: 'Token CSRF mancante o errato', 422: 'Invito non valido o password debole' }) },
      },
    },
    async (request, reply) => {
      const user = await app.db.transaction().execute((trx) => acceptInvitation(trx, request, sha256(request.body.token), { password: request.body.password }));
      const secret = await openSession(app.db, app.config, user.id);
      reply.setCookie(SESSION_COOKIE, secret, sessionCookie());
      return describeMe(app.db, await sessionPrincipal(app.db, user));
    },
  );
  app.post(
    '/auth/password-reset',
    {
      config: { access: 'public', csrf: 'anonymous' },
      schema: {
        tags: ['auth'],
        operationId: 'requestPasswordReset',
        summary: 'Password dimenticata: invia un collegamento monouso (scade in un’ora) se l’account esiste; la risposta è sempre la stessa',
        body: PasswordResetBody,
        response: {
          202: Type.Ref('PasswordResetAccepted'),
          ...problemResponses({ 403: 'Token CSRF mancante o errato', 429: 'Troppe richieste da questo indirizzo' }),
        },
      },
    },
    async (request, reply) => {
      const reset = await app.db.transaction().execute((trx) => requestPasswordReset(trx, request, request.ip, request.body.email));
      // Sent after the answer, so known and unknown e-mails take the same time.
      if (reset) void sendPasswordResetEmail(app, reset).catch((err: unknown) => request.log.error({ err }, 'password reset e-mail not sent'));
      return reply.code(202).send({ message: PASSWORD_RESET_ANSWER });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      config: { access: 'public', csrf: 'anonymous' },
      schema: {
        tags: ['auth'],
        operationId: 'confirmPasswordReset',
        summary: 'Imposta la nuova password con il collegamento ricevuto; chiude le altre sessioni dell’utente',
        body: PasswordResetConfirmBody,
        response: { 200: Type.Ref('Me'), ...problemResponses({ 403: 'Token CSRF mancante o errato', 422: 'Collegamento non valido o password debole' }) },
      },
    },
    async (request, reply) => {
      const user = await app.db.transaction().execute((trx) => confirmPasswordReset(trx, request, request.body.token, request.body.password));
      const secret = await openSession(app.db, app.config, user.id);
      reply.setCookie(SESSION_COOKIE, secret, sessionCookie());
      return describeMe(app.db, await sessionPrincipal(app.db, user));
    },
  );
};

export default authRoutes;
