import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { page, PageOnlyQuery } from '../../plugins/pagination.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { notFound } from '../../shared/domain-errors.ts';
import { toMembership, toUser } from './auth.mappers.ts';
import { sendInvitationEmail } from './invitations.email.ts';
import {
  CreateApiTokenBody,
  CreateInvitationBody,
  CreateUserBody,
  GrantMembershipBody,
  MembershipParams,
  UpdateUserBody,
  UserIdParams,
  UserListQuery,
  AuditQuery,
} from './users.schemas.ts';
import { listApiTokens, listAudit, listInvitations, toApiToken, toAuditEntry, toInvitation } from './admin.queries.ts';
import { findUserById, listUsers, membershipsOf } from './users.queries.ts';
import { createApiToken, createInvitation, createUser, grantMembership, revokeApiToken, revokeMembership, updateUser } from './users.service.ts';

const MANAGE = { access: { permission: 'users:manage' as const } };
/** Who may act on accounts, memberships, invitations and tokens: a person, never a token (tokens cannot mint tokens). */
const MANAGE_AS_PERSON = { access: { permission: 'users:manage' as const, person: true as const } };
const ADMIN_ERRORS = problemResponses({ 401: 'Non autenticato', 403: 'Permessi insufficienti' });
const PERSON_ADMIN_ERRORS = problemResponses({ 401: 'Non autenticato', 403: 'Permessi insufficienti, o richiesta con un token API (TOKEN_NOT_ALLOWED)' });

const usersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const detail = async (id: string) => {
    const user = await findUserById(app.db, id);
    if (!user || user.status === 'erased') throw notFound('USER_NOT_FOUND', 'Utente non trovato.');
    return { user: toUser(user), memberships: (await membershipsOf(app.db, id)).map(toMembership) };
  };

  app.get(
    '/users',
    {
      config: MANAGE,
      schema: {
        tags: ['users'],
        operationId: 'listUsers',
        summary: 'Elenco utenti',
        querystring: UserListQuery,
        response: { 200: Type.Ref('UserPage'), ...ADMIN_ERRORS },
      },
    },
    async (request) => {
      const { limit, offset, q, role } = request.query;
      const { items, total } = await listUsers(app.db, { q, role, limit, offset });
      return page(request, items.map(toUser), total, limit, offset);
    },
  );

  app.post(
    '/users',
    {
      config: MANAGE_AS_PERSON,
      schema: {
        tags: ['users'],
        operationId: 'createUser',
        summary: 'Crea un utente con account locale',
        body: CreateUserBody,
        response: { 201: Type.Ref('UserDetail'), ...PERSON_ADMIN_ERRORS, ...problemResponses({ 409: 'E-mail già in uso', 422: 'Dati non accettabili' }) },
      },
    },
    async (request, reply) => {
      const user = await app.db.transaction().execute((trx) => createUser(trx, request, request.body));
      return reply.code(201).send(await detail(user.id));
    },
  );

  app.get(
    '/users/:id',
    {
      config: MANAGE,
      schema: {
        tags: ['users'],
        operationId: 'getUser',
        summary: 'Dettaglio utente',
        params: UserIdParams,
        response: { 200: Type.Ref('UserDetail'), ...ADMIN_ERRORS, ...problemResponses({ 404: 'Utente non trovato' }) },
      },
    },
    async (request) => detail(request.params.id),
  );

  app.put(
    '/users/:id',
    {
      config: MANAGE_AS_PERSON,
      schema: {
        tags: ['users'],
        operationId: 'updateUser',
        summary: 'Modifica nome, ruolo, stato o identità SPID/CIE collegata',
        params: UserIdParams,
        body: UpdateUserBody,
        response: { 200: Type.Ref('UserDetail'), ...PERSON_ADMIN_ERRORS, ...problemResponses({ 404: 'Utente non trovato' }) },
      },
    },
    async (request) => {
      await app.db
        .transaction()
        .execute((trx) => updateUser(trx, request, request.params.id, { ...request.body, oidcIssuer: app.config.oidc?.issuer ?? null }));
      return detail(request.params.id);
    },
  );

  app.post(
    '/users/:id/memberships',
    {
      config: MANAGE_AS_PERSON,
      schema: {
        tags: ['users'],
        operationId: 'grantMembership',
        summary: 'Assegna un comune o un’aggregazione a un utente',
        params: UserIdParams,
        body: GrantMembershipBody,
        response: {
          201: Type.Ref('UserDetail'),
          ...PERSON_ADMIN_ERRORS,
          ...problemResponses({ 404: 'Utente non trovato', 409: 'Appartenenza già presente', 422: 'Comune o aggregazione sconosciuti' }),
        },
      },
    },
    async (request, reply) => {
      await app.db.transaction().execute((trx) => grantMembership(trx, request, request.params.id, request.body));
      return reply.code(201).send(await detail(request.params.id));
    },
  );

  app.delete(
    '/users/:id/memberships/:membershipId',
    {
      config: MANAGE_AS_PERSON,
      schema: {
        tags: ['users'],
        operationId: 'revokeMembership',
        summary: 'Revoca un’appartenenza',
        params: MembershipParams,
        response: { 204: Type.Null(), ...PERSON_ADMIN_ERRORS, ...problemResponses({ 404: 'Appartenenza non trovata' }) },
      },
    },
    async (request, reply) => {
      await app.db.transaction().execute((trx) => revokeMembership(trx, request, request.params.id, request.params.membershipId));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/invitations',
    {
      config: MANAGE,
      schema: {
        tags: ['users'],
        operationId: 'listInvitations',
        summary: 'Inviti inviati',
        querystring: PageOnlyQuery,
        response: { 200: Type.Ref('InvitationPage'), ...ADMIN_ERRORS },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const { items, total } = await listInvitations(app.db, limit, offset);
      return page(request, items.map(toInvitation), total, limit, offset);
    },
  );

  app.post(
    '/invitations',
    {
      config: { access: { permission: 'invitations:create', person: true } },
      schema: {
        tags: ['users'],
        operationId: 'createInvitation',
        summary: 'Invita un collega via e-mail (link monouso, scade in 7 giorni)',
        body: CreateInvitationBody,
        response: { 201: Type.Ref('Invitation'), ...PERSON_ADMIN_ERRORS, ...problemResponses({ 409: 'E-mail già in uso', 422: 'Dati non accettabili' }) },
      },
    },
    async (request, reply) => {
      // Sent inside the transaction: if the message cannot be handed over, no invitation is left behind.
      const invitation = await app.db.transaction().execute(async (trx) => {
        const created = await createInvitation(trx, request, request.body);
        await sendInvitationEmail(app, created.invitation, created.token);
        return created.invitation;
      });
      return reply.code(201).send(toInvitation(invitation));
    },
  );

  app.get(
    '/api-tokens',
    {
      config: MANAGE,
      schema: {
        tags: ['users'],
        operationId: 'listApiTokens',
        summary: 'Token per client automatici',
        querystring: PageOnlyQuery,
        response: { 200: Type.Ref('ApiTokenPage'), ...ADMIN_ERRORS },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const { items, total } = await listApiTokens(app.db, limit, offset);
      return page(request, items.map(toApiToken), total, limit, offset);
    },
  );

  app.post(
    '/api-tokens',
    {
      config: MANAGE_AS_PERSON,
      schema: {
        tags: ['users'],
        operationId: 'createApiToken',
        summary: 'Crea un token (il segreto è mostrato una sola volta)',
        body: CreateApiTokenBody,
        response: { 201: Type.Ref('CreatedApiToken'), ...PERSON_ADMIN_ERRORS, ...problemResponses({ 422: 'Dati non accettabili' }) },
      },
    },
    async (request, reply) => {
      const { token, secret } = await app.db.transaction().execute((trx) => createApiToken(trx, request, request.body));
      return reply.code(201).send({ token: toApiToken(token), secret });
    },
  );

  app.delete(
    '/api-tokens/:id',
    {
      config: MANAGE_AS_PERSON,
      schema: {
        tags: ['users'],
        operationId: 'revokeApiToken',
        summary: 'Revoca un token',
        params: UserIdParams,
        response: { 204: Type.Null(), ...PERSON_ADMIN_ERRORS, ...problemResponses({ 404: 'Token non trovato' }) },
      },
    },
    async (request, reply) => {
      await app.db.transaction().execute((trx) => revokeApiToken(trx, request, request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/audit-log',
    {
      config: { access: { permission: 'audit:read' } },
      schema: {
        tags: ['users'],
        operationId: 'listAuditLog',
        summary: 'Registro delle modifiche (sola lettura)',
        querystring: AuditQuery,
        response: { 200: Type.Ref('AuditPage'), ...ADMIN_ERRORS },
      },
    },
    async (request) => {
      const { limit, offset, ...filter } = request.query;
      const { items, total } = await listAudit(app.db, filter, limit, offset);
      return page(request, items.map(toAuditEntry), total, limit, offset);
    },
  );
};

export default usersRoutes;
