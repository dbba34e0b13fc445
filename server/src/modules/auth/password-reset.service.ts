import { sql, type Kysely, type Transaction } from 'kysely';
import { recordAudit } from './auth.audit.ts';
import type { Database } from '../../plugins/db/schema.ts';
import { tooManyRequests, unprocessable } from '../../shared/domain-errors.ts';
import { isPecAddress } from '../../plugins/mail.ts';
import { loginEmailHash } from './login.throttle.ts';
import { assertStrongPassword, hashPassword } from './auth.passwords.ts';
import { randomToken, sha256 } from '../../shared/secrets.ts';
import type { Actor } from './users.service.ts';
import { findUserByEmail } from './users.queries.ts';

/*
 * "Password dimenticata?" after the OWASP Forgot Password Cheat Sheet: the same answer whether or
 * not the account exists, a single-use random token stored hashed (as invitations), short-lived,
 * and every session of the account closed once the password changes.
 *
 * Throttling counts requests by e-mail hash, so an unknown e-mail is throttled exactly like a real
 * one: beyond PER_ACCOUNT requests in the window the answer stays the same but no message leaves
 * (nobody can flood a mailbox); beyond PER_ADDRESS requests from one address the address waits (429).
 */

type Db = Kysely<Database>;
type Trx = Transaction<Database>;

export const RESET_MINUTES = 60;
const WINDOW_MINUTES = 60;
const PER_ACCOUNT = 3;
const PER_ADDRESS = 20;

export const RESET_INVALID = () => unprocessable('PASSWORD_RESET_INVALID', 'Il collegamento non è valido, è scaduto o è già stato usato. Chiedine uno nuovo.');

async function recentRequests(trx: Trx, column: 'email_hash' | 'ip', value: string): Promise<number> {
  const row = await trx
    .selectFrom('password_reset_requests')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where(column, '=', value)
    .where('at', '>', sql<Date>`now() - make_interval(mins => ${WINDOW_MINUTES})`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface ResetToSend {
  email: string;
  name: string;
  token: string;
  expiresAt: Date;
}

/**
 * Records the request and, for an active account still under its limit, a fresh token to e-mail.
 * Returns null in every other case: the caller answers the same either way.
 */
export async function requestPasswordReset(trx: Trx, actor: Actor, ip: string, email: string): Promise<ResetToSend | null> {
  const emailHash = loginEmailHash(email);
  await sql`select pg_advisory_xact_lock(hashtextextended(${`password-reset:ip:${ip}`}, 0))`.execute(trx);
  if ((await recentRequests(trx, 'ip', ip)) >= PER_ADDRESS) {
    throw tooManyRequests('TOO_MANY_RESET_REQUESTS', 'Troppe richieste di reimpostazione della password. Riprova tra un’ora.', WINDOW_MINUTES * 60);
  }
  const accountRequests = await recentRequests(trx, 'email_hash', emailHash);
  await trx.insertInto('password_reset_requests').values({ email_hash: emailHash, ip }).execute();
  if (accountRequests >= PER_ACCOUNT) return null;
  const user = await findUserByEmail(trx, email.trim());
  // PEC mailboxes refuse ordinary mail (see invitations): such an account asks an administrator.
  if (!user || user.status !== 'active' || isPecAddress(user.email)) return null;
  const token = randomToken();
  const reset = await trx
    .insertInto('password_resets')
    .values({ user_id: user.id, token_hash: sha256(token), expires_at: sql<Date>`now() + make_interval(mins => ${RESET_MINUTES})` })
    .returning(['id', 'expires_at'])
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, { action: 'user.password-reset-requested', entity: 'user', entityId: user.id, changes: { resetId: reset.id } });
  return { email: user.email, name: user.name, token, expiresAt: reset.expires_at };
}

/** Single use: the row is locked and consumed; the account's other links and all its sessions go. */
export async function confirmPasswordReset(trx: Trx, actor: Actor, token: string, password: string) {
  const reset = await trx
    .selectFrom('password_resets')
    .selectAll()
    .where('token_hash', '=', sha256(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .forUpdate()
    .executeTakeFirst();
  if (!reset) throw RESET_INVALID();
  const user = await trx.selectFrom('users').selectAll().where('id', '=', reset.user_id).forUpdate().executeTakeFirstOrThrow();
  if (user.status !== 'active') throw RESET_INVALID();
  assertStrongPassword(password);
  await trx
    .updateTable('users')
    .set({ password_hash: await hashPassword(password), updated_at: sql`now()` })
    .where('id', '=', user.id)
    .execute();
  await trx
    .updateTable('password_resets')
    .set({ used_at: sql`now()` })
    .where('user_id', '=', user.id)
    .where('used_at', 'is', null)
    .execute();
  await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
  await recordAudit(trx, actor, { action: 'user.password-reset', entity: 'user', entityId: user.id, changes: { resetId: reset.id } });
  return user;
}

/** Retention: spent and expired links and old requests are of no further use. */
export async function forgetOldPasswordResets(db: Db): Promise<void> {
  await db
    .deleteFrom('password_resets')
    .where('expires_at', '<', sql<Date>`now() - interval '1 day'`)
    .execute();
  await db
    .deleteFrom('password_reset_requests')
    .where('at', '<', sql<Date>`now() - interval '1 day'`)
    .execute();
}
