import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { recordAudit } from './auth.audit.ts';
import { cookieOptions, SESSION_COOKIE } from './auth.plugin.ts';
import { DomainError, forbidden, notFound, unprocessable } from '../../shared/domain-errors.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { openSession } from './login.service.ts';
import { beginFlow, completeFlow } from './oidc.service.ts';
import { sha256 } from '../../shared/secrets.ts';
import { acceptInvitation, findUsableInvitation } from './users.service.ts';

const FLOW_COOKIE = 'cruscotto_oidc';
const INVITATION_COOKIE = 'cruscotto_invitation';
const FLOW_SECONDS = 600;

const oidcRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const oidcConfig = () => {
    if (!app.config.oidc) throw notFound('OIDC_NOT_CONFIGURED', "L'accesso con SPID o CIE non è attivo su questa installazione.");
    return app.config.oidc;
  };
  const callbackUrl = `${app.config.publicBaseUrl}/api/v1/auth/oidc/callback`;

  app.post(
    '/auth/oidc/invitation',
    {
      config: { access: 'public', csrf: 'anonymous' },
      schema: {
        tags: ['auth'],
        operationId: 'prepareOidcInvitation',
        summary: "Prepara l'accettazione di un invito con SPID/CIE (il collegamento avviene al ritorno dal fornitore)",
        body: Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...problemResponses({ 403: 'Token CSRF mancante o errato', 404: 'SPID/CIE non configurato', 422: 'Invito non valido' }) },
      },
    },
    async (request, reply) => {
      oidcConfig();
      const tokenHash = sha256(request.body.token);
      if (!(await findUsableInvitation(app.db, tokenHash))) throw unprocessable('INVITATION_INVALID', "L'invito non è valido, è scaduto o è già stato usato.");
      reply.setCookie(INVITATION_COOKIE, tokenHash, cookieOptions(app, FLOW_SECONDS));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/oidc/start',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        operationId: 'startOidcLogin',
        summary: 'Avvia l’accesso con SPID/CIE (OpenID Connect, PKCE)',
        response: { 302: Type.Null({ description: 'Verso il fornitore di identità' }), ...problemResponses({ 404: 'SPID/CIE non configurato' }) },
      },
    },
    async (request, reply) => {
      const { url, browserBinding } = await beginFlow(app.db, oidcConfig(), callbackUrl, request.cookies[INVITATION_COOKIE] ?? null);
      reply.setCookie(FLOW_COOKIE, browserBinding, cookieOptions(app, FLOW_SECONDS));
      return reply.redirect(url.href, 302);
    },
  );

  app.get(
    '/auth/oidc/callback',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        operationId: 'completeOidcLogin',
        summary: 'Ritorno dal fornitore di identità: apre la sessione',
        querystring: Type.Object(
          { code: Type.Optional(Type.String({ maxLength: 2000 })), state: Type.Optional(Type.String({ maxLength: 500 })) },
          { additionalProperties: true },
        ),
        response: {
          302: Type.Null({ description: 'Verso il cruscotto' }),
          ...problemResponses({ 401: 'Accesso non confermato', 403: 'Identità non collegata o livello insufficiente', 404: 'SPID/CIE non configurato' }),
        },
      },
    },
    async (request, reply) => {
      try {
        const identity = await completeFlow(app.db, oidcConfig(), new URL(request.url, app.config.publicBaseUrl), request.cookies[FLOW_COOKIE]);
        reply.clearCookie(FLOW_COOKIE, { path: '/' }).clearCookie(INVITATION_COOKIE, { path: '/' });
        const userId = await app.db.transaction().execute(async (trx) => {
          const linked = await trx
            .selectFrom('users')
            .select(['id', 'status'])
            .where('oidc_issuer', '=', identity.issuer)
            .where('oidc_subject', '=', identity.subject)
            .executeTakeFirst();
          if (linked?.status === 'active') return linked.id;
          if (identity.invitationTokenHash) {
            const user = await acceptInvitation(trx, request, identity.invitationTokenHash, { oidc: { issuer: identity.issuer, subject: identity.subject } });
            return user.id;
          }
          // Claims alone never create or link an account: an invitation or an administrator must.
          throw forbidden(
            'La tua identità digitale non è ancora collegata a un utente del cruscotto: chiedi un invito al tuo RTD o ad ANCI Lombardia.',
            'OIDC_IDENTITY_NOT_LINKED',
          );
        });
        const secret = await openSession(app.db, app.config, userId);
        await recordAudit(app.db, request, { action: 'user.login', entity: 'user', entityId: userId, changes: { method: 'oidc' } });
        reply.setCookie(SESSION_COOKIE, secret, cookieOptions(app, app.config.sessionAbsoluteHours * 3600));
        return reply.redirect('/', 302);
      } catch (error) {
        const wantsPage = (request.headers.accept ?? '').includes('text/html');
        if (wantsPage && error instanceof DomainError) return reply.redirect(`/accedi?errore=${encodeURIComponent(error.code)}`, 302);
        throw error;
      }
    },
  );
};

export default oidcRoutes;
