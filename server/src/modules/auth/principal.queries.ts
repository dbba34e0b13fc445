import { sql } from 'kysely';
import type { Db } from '../../plugins/db/database.ts';
import type { Role } from '../../plugins/db/schema.ts';
import { isComuneRole, roleCovers, type Principal } from './auth.permissions.ts';

/** Comuni a user serves today: direct memberships plus current members of their aggregations. */
export async function comuniOfUser(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('served_comuni').select('comune_istat').where('user_id', '=', userId).execute();
  return rows.map((r) => r.comune_istat);
}

export interface SessionUser {
  userId: string;
  role: Role;
  lastSeenAt: Date;
  expiresAt: Date;
}

export async function findLiveSession(db: Db, idHash: string, idleMinutes: number): Promise<SessionUser | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id as userId', 'users.role', 'sessions.last_seen_at as lastSeenAt', 'sessions.expires_at as expiresAt'])
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.expires_at', '>', sql<Date>`now()`)
    .where('sessions.last_seen_at', '>', sql<Date>`now() - make_interval(mins => ${idleMinutes})`)
    .where('users.status', '=', 'active')
    .executeTakeFirst();
  return row;
}

/**
 * The session and its user seen now: every signed-in user does it once a minute, and a crowd that
 * arrived together does it together. One statement, committed without waiting for the disk: a
 * last-seen time lost to a crash costs nothing, a queue of flushes costs every request behind it.
 */
export async function touchSession(db: Db, idHash: string, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local synchronous_commit = off`.execute(trx);
    await sql`
      with session as (update sessions set last_seen_at = now() where id_hash = ${idHash})
      update users set last_seen_at = now() where id = ${userId}`.execute(trx);
  });
}

/**
 * A token that may still be used: not revoked, not expired, and its creator still active and still
 * holding the token's role or a wider one (tokens die with their creator's access). A token without
 * creator was made by the operator; deleting a creator deletes their tokens.
 */
export async function findLiveToken(db: Db, tokenHash: string) {
  const token = await db
    .selectFrom('api_tokens as t')
    .leftJoin('users as u', 'u.id', 't.created_by')
    .select(['t.id', 't.role', 't.comune_istats', 't.created_by', 't.last_used_at', 't.expires_at', 'u.role as creator_role', 'u.status as creator_status'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  if (!token) return undefined;
  if (token.created_by !== null && !(token.creator_status === 'active' && token.creator_role && roleCovers(token.creator_role, token.role))) return undefined;
  return token;
}

/** The principal of a live token: its own role, its scope narrowed to its creator's comuni when they are an RTD. */
export async function tokenPrincipal(db: Db, token: NonNullable<Awaited<ReturnType<typeof findLiveToken>>>): Promise<Principal> {
  let comuni: Set<string> | 'all' = isComuneRole(token.role) || token.comune_istats.length > 0 ? new Set(token.comune_istats) : 'all';
  if (token.created_by !== null && token.creator_role && isComuneRole(token.creator_role)) {
    const creators = new Set(await comuniOfUser(db, token.created_by));
    comuni = new Set([...(comuni === 'all' ? creators : comuni)].filter((istat) => creators.has(istat)));
  }
  return { kind: 'token', userId: null, tokenId: token.id, createdBy: token.created_by, role: token.role, comuni, sessionId: null };
}

export async function markTokenUsed(db: Db, id: string): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/** The principal of a user who has just signed in. */
export async function sessionPrincipal(db: Db, user: { id: string; role: Role }, sessionId: string | null = null) {
  return {
    kind: 'session' as const,
    userId: user.id,
    tokenId: null,
    createdBy: null,
    role: user.role,
    comuni: isComuneRole(user.role) ? new Set(await comuniOfUser(db, user.id)) : ('all' as const),
    sessionId,
  };
}

/** People who serve a comune today (the inverse of `comuniOfUser`): its RTDs, staff and read-only colleagues, directly or through an aggregation. */
export async function peopleServing(db: Db, istat: string): Promise<{ id: string; name: string; email: string; role: Role }[]> {
  const { rows } = await sql<{ id: string; name: string; email: string; role: Role }>`
    select u.id, u.name, u.email, u.role from users u
     where u.status = 'active'
       and u.role in ('rtd', 'staff', 'lettura')
       and (exists (select 1 from memberships m where m.user_id = u.id and m.comune_istat = ${istat})
            or exists (select 1 from memberships m
                         join aggregation_members am on am.aggregation_id = m.aggregation_id
                        where m.user_id = u.id and am.comune_istat = ${istat}
                          and am.joined_on <= current_date and (am.left_on is null or am.left_on > current_date)))
     order by u.name
  `.execute(db);
  return rows;
}
