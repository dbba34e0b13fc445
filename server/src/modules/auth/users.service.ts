import type { FastifyRequest } from 'fastify';
import { sql, type Kysely, type Transaction } from 'kysely';
import { recordAudit } from './auth.audit.ts';
import { isPecAddress } from '../../plugins/mail.ts';
import type { Database, Role } from '../../plugins/db/schema.ts';
import { conflict, forbidden, notFound, tokenNotAllowed, unprocessable } from '../../shared/domain-errors.ts';
import { hasPermission, isComuneRole, roleCovers, type Principal } from './auth.permissions.ts';
import { assertStrongPassword, hashPassword } from './auth.passwords.ts';
import { randomToken, sha256 } from '../../shared/secrets.ts';
import { aggregationExists, comuneExists, findUserByEmail, findUserById } from './users.queries.ts';
import { forgetLoginHistory } from './login.throttle.ts';

type Db = Kysely<Database>;
type Trx = Transaction<Database>;
/** The request that acts, or null for the operator CLI. */
export type Actor = FastifyRequest | null;

const INVITATION_DAYS = 7;

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password?: string | undefined;
  comuni?: string[] | undefined;
  aggregations?: string[] | undefined;
}

async function assertTargetsExist(trx: Trx, comuni: string[], aggregations: string[]) {
  for (const istat of comuni) {
    if (!(await comuneExists(trx, istat)))
      throw unprocessable('COMUNE_NOT_FOUND', `Il comune con codice ISTAT ${istat} non esiste.`, [
        { field: 'comuni', message: `Codice ISTAT sconosciuto: ${istat}.` },
      ]);
  }
  for (const id of aggregations) {
    if (!(await aggregationExists(trx, id)))
      throw unprocessable('AGGREGATION_NOT_FOUND', `L'aggregazione ${id} non esiste.`, [
        { field: 'aggregations', message: `Aggregazione sconosciuta: ${id}.` },
      ]);
  }
}

export async function createUser(trx: Trx, actor: Actor, input: NewUser) {
  if (await findUserByEmail(trx, input.email)) throw conflict('USER_EXISTS', 'Esiste già un utente con questo indirizzo e-mail.');
  if (input.password !== undefined) assertStrongPassword(input.password);
  const comuni = input.comuni ?? [];
  const aggregations = input.aggregations ?? [];
  await assertTargetsExist(trx, comuni, aggregations);
  const user = await trx
    .insertInto('users')
    .values({
      email: input.email.trim(),
      name: input.name.trim(),
      role: input.role,
      password_hash: input.password ? await hashPassword(input.password) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, { action: 'user.created', entity: 'user', entityId: user.id, changes: { role: input.role } });
  for (const istat of comuni) await grantMembership(trx, actor, user.id, { comuneIstat: istat });
  for (const id of aggregations) await grantMembership(trx, actor, user.id, { aggregationId: id });
  return user;
}

export async function grantMembership(trx: Trx, actor: Actor, userId: string, target: { comuneIstat?: string; aggregationId?: string }) {
  if (!(await findUserById(trx, userId))) throw notFound('USER_NOT_FOUND', 'Utente non trovato.');
  await assertTargetsExist(trx, target.comuneIstat ? [target.comuneIstat] : [], target.aggregationId ? [target.aggregationId] : []);
  const membership = await trx
    .insertInto('memberships')
    .values({
      user_id: userId,
      comune_istat: target.comuneIstat ?? null,
      aggregation_id: target.aggregationId ?? null,
      granted_by: actor?.principal?.userId ?? null,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!membership) throw conflict('MEMBERSHIP_EXISTS', "L'utente ha già questa appartenenza.");
  await recordAudit(trx, actor, { action: 'membership.granted', entity: 'user', entityId: userId, changes: { ...target } });
  return membership;
}

export async function revokeMembership(trx: Trx, actor: Actor, userId: string, membershipId: string) {
  const removed = await trx.deleteFrom('memberships').where('id', '=', membershipId).where('user_id', '=', userId).returningAll().executeTakeFirst();
  if (!removed) throw notFound('MEMBERSHIP_NOT_FOUND', 'Appartenenza non trovata.');
  await recordAudit(trx, actor, {
    action: 'membership.revoked',
    entity: 'user',
    entityId: userId,
    changes: { comuneIstat: removed.comune_istat, aggregationId: removed.aggregation_id },
  });
}

export async function updateUser(
  trx: Trx,
  actor: Actor,
  id: string,
  changes: { name?: string; role?: Role; status?: 'active' | 'disabled'; oidcSubject?: string | null; oidcIssuer?: string | null },
) {
  const before = await findUserById(trx, id);
  if (!before || before.status === 'erased') throw notFound('USER_NOT_FOUND', 'Utente non trovato.');
  const after = await trx
    .updateTable('users')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.role !== undefined ? { role: changes.role } : {}),
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.oidcSubject !== undefined
        ? { oidc_subject: changes.oidcSubject, oidc_issuer: changes.oidcSubject ? (changes.oidcIssuer ?? null) : null }
        : {}),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const changed: Record<string, unknown> = {};
  if (before.name !== after.name) changed.name = { from: before.name, to: after.name };
  if (before.role !== after.role) changed.role = { from: before.role, to: after.role };
  if (before.status !== after.status) changed.status = { from: before.status, to: after.status };
  if (before.oidc_subject !== after.oidc_subject) changed.oidcIdentity = { linked: after.oidc_subject !== null };
  if (Object.keys(changed).length > 0) await recordAudit(trx, actor, { action: 'user.updated', entity: 'user', entityId: id, changes: changed });
  if (after.status !== 'active' || before.role !== after.role) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
  return after;
}

export interface NewInvitation {
  email: string;
  name: string;
  role: Role;
  comuni: string[];
  aggregations: string[];
}

/** An RTD may invite fellow RTDs and their comune's staff and read-only colleagues, only to comuni they serve; an admin may invite anyone. */
function assertMayInvite(principal: Principal | null, input: NewInvitation) {
  if (!principal || principal.role === 'admin') return;
  if (!isComuneRole(input.role) || input.aggregations.length > 0)
    throw forbidden('Puoi invitare solo colleghi dei tuoi comuni: RTD, personale o sola lettura.');
  if (input.comuni.length === 0)
    throw unprocessable('COMUNE_REQUIRED', 'Indica almeno un comune.', [{ field: 'body.comuni', message: 'Indica almeno un comune.' }]);
  for (const istat of input.comuni) {
    if (!hasPermission(principal, 'invitations:create', istat)) throw forbidden(`Non sei RTD del comune ${istat}.`);
  }
}

export async function createInvitation(trx: Trx, actor: Actor, input: NewInvitation) {
  assertMayInvite(actor?.principal ?? null, input);
  if (isPecAddress(input.email)) {
    throw unprocessable('PEC_NOT_ALLOWED', 'Gli inviti non possono essere inviati a indirizzi PEC: usa un indirizzo e-mail ordinario di lavoro.', [
      { field: 'body.email', message: 'Indirizzo PEC non ammesso.' },
    ]);
  }
  await assertTargetsExist(trx, input.comuni, input.aggregations);
  if (await findUserByEmail(trx, input.email)) throw conflict('USER_EXISTS', 'Esiste già un utente con questo indirizzo e-mail.');
  const token = randomToken();
  const invitation = await trx
    .insertInto('invitations')
    .values({
      email: input.email.trim(),
      name: input.name.trim(),
      role: input.role,
      comune_istats: input.comuni,
      aggregation_ids: input.aggregations,
      token_hash: sha256(token),
      invited_by: actor?.principal?.userId ?? null,
      expires_at: sql<Date>`now() + make_interval(days => ${INVITATION_DAYS})`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, {
    action: 'invitation.created',
    entity: 'invitation',
    entityId: invitation.id,
    changes: { role: input.role, comuni: input.comuni, aggregations: input.aggregations },
  });
  return { invitation, token };
}

export async function findUsableInvitation(db: Db, tokenHash: string) {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .forUpdate()
    .executeTakeFirst();
}

/** Single use: the invitation row is locked, consumed and turned into a user with its memberships. */
export async function acceptInvitation(
  trx: Trx,
  actor: Actor,
  tokenHash: string,
  credentials: { password?: string; oidc?: { issuer: string; subject: string } },
) {
  const invitation = await findUsableInvitation(trx, tokenHash);
  if (!invitation) throw unprocessable('INVITATION_INVALID', "L'invito non è valido, è scaduto o è già stato usato.");
  const user = await createUser(trx, actor, {
    email: invitation.email,
    name: invitation.name,
    role: invitation.role,
    password: credentials.password,
    comuni: invitation.comune_istats,
    aggregations: invitation.aggregation_ids,
  });
  if (credentials.oidc) {
    await trx.updateTable('users').set({ oidc_issuer: credentials.oidc.issuer, oidc_subject: credentials.oidc.subject }).where('id', '=', user.id).execute();
  }
  await trx
    .updateTable('invitations')
    .set({ accepted_at: sql`now()`, accepted_user_id: user.id })
    .where('id', '=', invitation.id)
    .execute();
  await recordAudit(trx, actor, { action: 'invitation.accepted', entity: 'invitation', entityId: invitation.id, changes: { userId: user.id } });
  return user;
}

/**
 * A token never holds more than its creator: a role they hold (or a narrower one) and, for a creator
 * bound to some comuni, only those. Tokens themselves cannot create tokens (the routes are `person`).
 */
function assertMayMint(principal: Principal | null, input: { role: Role; comuni: string[] }) {
  if (!principal) return;
  if (principal.kind !== 'session') throw tokenNotAllowed();
  if (!roleCovers(principal.role, input.role)) throw forbidden('Non puoi creare un token con un ruolo più ampio del tuo.');
  if (principal.comuni === 'all') return;
  if (input.comuni.length === 0) throw forbidden('Il token deve essere limitato ai tuoi comuni: indicane almeno uno.');
  for (const istat of input.comuni) if (!principal.comuni.has(istat)) throw forbidden(`Non puoi creare un token per il comune ${istat}: non è tra i tuoi.`);
}

export async function createApiToken(trx: Trx, actor: Actor, input: { name: string; role: Role; comuni: string[]; expiresAt?: string | undefined }) {
  assertMayMint(actor?.principal ?? null, input);
  await assertTargetsExist(trx, input.comuni, []);
  const secret = `cru_${randomToken()}`;
  const token = await trx
    .insertInto('api_tokens')
    .values({
      name: input.name,
      role: input.role,
      comune_istats: input.comuni,
      token_hash: sha256(secret),
      created_by: actor?.principal?.userId ?? null,
      expires_at: input.expiresAt ? new Date(input.expiresAt) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, { action: 'api-token.created', entity: 'api-token', entityId: token.id, changes: { role: input.role, comuni: input.comuni } });
  return { token, secret };
}

export async function revokeApiToken(trx: Trx, actor: Actor, id: string) {
  const token = await trx
    .updateTable('api_tokens')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!token) throw notFound('TOKEN_NOT_FOUND', 'Token non trovato o già revocato.');
  await recordAudit(trx, actor, { action: 'api-token.revoked', entity: 'api-token', entityId: id });
}

/** Colleagues' notes that name the person with `@` keep the note, not the name. */
async function forgetMentions(trx: Trx, name: string) {
  const mention = `@${name}`;
  await trx
    .updateTable('application_notes')
    .set({ body: sql`replace(body, ${mention}, '@Utente cancellato')` })
    .where('body', 'like', sql<string>`'%' || ${mention} || '%'`)
    .execute();
  await trx
    .updateTable('application_note_revisions')
    .set({ previous_body: sql`replace(previous_body, ${mention}, '@Utente cancellato')` })
    .where('previous_body', 'like', sql<string>`'%' || ${mention} || '%'`)
    .execute();
}

/** Right to erasure: personal data goes, the row stays so audit entries keep an anonymous actor. */
export async function eraseUser(trx: Trx, actor: Actor, id: string) {
  const person = await trx.selectFrom('users').select(['email', 'name']).where('id', '=', id).executeTakeFirst();
  if (person) await forgetLoginHistory(trx, person.email);
  if (person) await forgetMentions(trx, person.name);
  await trx
    .updateTable('users')
    .set({
      email: sql`'cancellato-' || id || '@invalid'`,
      name: 'Utente cancellato',
      status: 'erased',
      password_hash: null,
      oidc_issuer: null,
      oidc_subject: null,
      last_seen_at: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
  await trx.deleteFrom('memberships').where('user_id', '=', id).execute();
  // Notes and history stay with the comune's application under "Utente cancellato"; what points at the person goes.
  await trx.deleteFrom('application_followers').where('user_id', '=', id).execute();
  await trx.updateTable('application_steps').set({ assignee_id: null }).where('assignee_id', '=', id).execute();
  await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
  await trx.deleteFrom('alert_subscriptions').where('user_id', '=', id).execute();
  await trx.deleteFrom('notifications').where('user_id', '=', id).execute();
  for (const table of ['call_follows', 'saved_searches', 'feed_tokens', 'alert_digests', 'alert_deliveries'] as const)
    await trx.deleteFrom(table).where('user_id', '=', id).execute();
  await trx
    .updateTable('api_tokens')
    .set({ revoked_at: sql`now()` })
    .where('created_by', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  await recordAudit(trx, actor, { action: 'user.erased', entity: 'user', entityId: id });
}
