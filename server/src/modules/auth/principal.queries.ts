import { sql } from 'kysely';
import type { Db } from '../../plugins/db/database.ts';
import type { Role } from '../../plugins/db/schema.ts';

/** Comuni a user serves today: direct memberships plus current members of their aggregations. */
export async function comuniOfUser(db: Db, userId: string): Promise<string[]> {
  const { rows } = await sql<{ istat: string }>`
    select comune_istat as istat from memberships where user_id = ${userId} and comune_istat is not null
    union
    select am.comune_istat from memberships m
      join aggregation_members am on am.aggregation_id = m.aggregation_id
     where m.user_id = ${userId} and am.joined_on <= current_date and (am.left_on is null or am.left_on > current_date)
  `.execute(db);
  return rows.map((r) => r.istat);
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

export async function touchSession(db: Db, idHash: string, userId: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: sql`now()` }).where('id_hash', '=', idHash).execute();
  await db.updateTable('users').set({ last_seen_at: sql`now()` }).where('id', '=', userId).execute();
}

export async function findLiveToken(db: Db, tokenHash: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'role', 'comune_istats', 'created_by', 'last_used_at', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
}

export async function markTokenUsed(db: Db, id: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: sql`now()` }).where('id', '=', id).execute();
}

/** The principal of a user who has just signed in. */
export async function sessionPrincipal(db: Db, user: { id: string; role: Role }, sessionId: string | null = null) {
  return {
    kind: 'session' as const,
    userId: user.id,
    tokenId: null,
    role: user.role,
    comuni: user.role === 'rtd' ? new Set(await comuniOfUser(db, user.id)) : ('all' as const),
    sessionId,
  };
}
