import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { notFound } from '../../shared/domain-errors.ts';
import { toMembership, toUser } from './auth.mappers.ts';
import { hasPermission, PERMISSIONS, type Permission, type Principal } from './auth.permissions.ts';
import { findUserById, membershipsOf } from './users.queries.ts';
import { knownClientsOf } from './login.throttle.ts';

export async function describeMe(db: Kysely<Database>, principal: Principal) {
  const user = principal.userId ? await findUserById(db, principal.userId) : undefined;
  if (!user) throw notFound('USER_NOT_FOUND', 'Questo accesso non è associato a un utente.');
  const memberships = await membershipsOf(db, user.id);
  return {
    user: toUser(user),
    memberships: memberships.map(toMembership),
    comuni: principal.comuni === 'all' ? [] : [...principal.comuni].sort(),
    scoped: principal.comuni !== 'all',
    permissions: (Object.keys(PERMISSIONS) as Permission[]).filter((p) => hasPermission(principal, p)),
  };
}

/** Everything we hold about a person (GDPR art. 15 and 20), as one JSON document. */
export async function exportPersonalData(db: Kysely<Database>, userId: string) {
  const user = await findUserById(db, userId);
  if (!user) throw notFound('USER_NOT_FOUND', 'Utente non trovato.');
  const [memberships, sessions, tokens, invitations, audit, subscription, notifications, follows, savedSearches, deliveries, signInAddresses, applicationWork] =
    await Promise.all([
      membershipsOf(db, userId),
      db.selectFrom('sessions').select(['created_at', 'last_seen_at', 'expires_at']).where('user_id', '=', userId).execute(),
      db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'role', 'comune_istats', 'created_at', 'last_used_at', 'revoked_at'])
        .where('created_by', '=', userId)
        .execute(),
      db.selectFrom('invitations').select(['email', 'name', 'role', 'created_at', 'accepted_at']).where('invited_by', '=', userId).execute(),
      db.selectFrom('audit_log').select(['at', 'action', 'entity', 'entity_id', 'changes', 'ip']).where('actor_user_id', '=', userId).orderBy('at').execute(),
      db.selectFrom('alert_subscriptions').selectAll().where('user_id', '=', userId).executeTakeFirst(),
      db
        .selectFrom('notifications')
        .select(['call_id', 'comune_istat', 'title', 'body', 'created_at', 'read_at'])
        .where('user_id', '=', userId)
        .orderBy('id')
        .execute(),
      db.selectFrom('call_follows').select(['call_id', 'mode', 'created_at']).where('user_id', '=', userId).execute(),
      db.selectFrom('saved_searches').select(['name', 'query', 'notify', 'created_at']).where('user_id', '=', userId).execute(),
      db
        .selectFrom('alert_deliveries')
        .select(['channel', 'kind', 'status', 'created_at', 'sent_at'])
        .select(sql<string>`message ->> 'subject'`.as('subject'))
        .where('user_id', '=', userId)
        .orderBy('id')
        .execute(),
      knownClientsOf(db, user.email),
      applicationWorkOf(db, userId),
    ]);
  return {
    exportedAt: new Date().toISOString(),
    user: { ...toUser(user), oidcIssuer: user.oidc_issuer, lastSeenAt: user.last_seen_at?.toISOString() ?? null },
    memberships: memberships.map(toMembership),
    sessions,
    apiTokens: tokens,
    invitationsSent: invitations,
    activity: audit,
    alertSubscription: subscription ?? null,
    notifications,
    followedCalls: follows,
    savedSearches,
    emailsSent: deliveries,
    signInAddresses,
    applications: applicationWork,
  };
}

/** What a person wrote and did on their comuni's applications: notes (and earlier texts), steps, follows, history. */
async function applicationWorkOf(db: Kysely<Database>, userId: string) {
  const [notes, revisions, steps, following, history] = await Promise.all([
    db
      .selectFrom('application_notes as n')
      .innerJoin('applications as a', 'a.id', 'n.application_id')
      .select(['a.comune_istat', 'a.call_id', 'n.body', 'n.created_at', 'n.updated_at'])
      .where('n.author_id', '=', userId)
      .orderBy('n.created_at')
      .execute(),
    db.selectFrom('application_note_revisions').select(['note_id', 'previous_body', 'edited_at']).where('edited_by', '=', userId).orderBy('id').execute(),
    db
      .selectFrom('application_steps as s')
      .innerJoin('applications as a', 'a.id', 's.application_id')
      .select([
        'a.comune_istat',
        'a.call_id',
        's.title',
        's.due_on',
        's.done_at',
        sql<boolean>`s.assignee_id = ${userId}`.as('assigned'),
        sql<boolean>`s.done_by = ${userId}`.as('done_by_me'),
      ])
      .where((eb) => eb.or([eb('s.assignee_id', '=', userId), eb('s.done_by', '=', userId)]))
      .execute(),
    db
      .selectFrom('application_followers as f')
      .innerJoin('applications as a', 'a.id', 'f.application_id')
      .select(['a.comune_istat', 'a.call_id', 'f.created_at'])
      .where('f.user_id', '=', userId)
      .execute(),
    db.selectFrom('application_events').select(['comune_istat', 'action', 'changes', 'at']).where('actor_id', '=', userId).orderBy('id').execute(),
  ]);
  return { notes, noteRevisions: revisions, steps, following, history };
}
