import { sql, type Kysely } from 'kysely';
import type { Config } from '../../plugins/config.ts';
import type { Database } from '../../plugins/db/schema.ts';
import { unauthorized } from '../../shared/domain-errors.ts';
import { loginEmailHash, recordSuccess, reserveAttempt } from './login.throttle.ts';
import { verifyPassword } from './auth.passwords.ts';
import { randomToken, sha256 } from '../../shared/secrets.ts';
import { findUserByEmail } from './users.queries.ts';

type Db = Kysely<Database>;

export const INVALID_CREDENTIALS = unauthorized('E-mail o password non corretti.', 'INVALID_CREDENTIALS');

/**
 * Checks e-mail and password under the login throttle (login.throttle.ts). An unknown e-mail takes
 * the same path as a wrong password: same throttle, same password check against a decoy hash.
 */
export async function authenticate(db: Db, config: Config, ip: string, email: string, password: string) {
  const attempt = { ip, emailHash: loginEmailHash(email) };
  await reserveAttempt(db, config, attempt);
  const user = await findUserByEmail(db, email.trim());
  const valid = await verifyPassword(user?.status === 'active' ? user.password_hash : null, password);
  if (!user || !valid) throw INVALID_CREDENTIALS;
  await recordSuccess(db, attempt);
  return user;
}

/** Opens a session; the cookie carries the secret, the table only its hash. */
export async function openSession(db: Db, config: Config, userId: string): Promise<string> {
  const secret = randomToken();
  await db
    .insertInto('sessions')
    .values({ id_hash: sha256(secret), user_id: userId, expires_at: sql<Date>`now() + make_interval(hours => ${config.sessionAbsoluteHours})` })
    .execute();
  await db
    .updateTable('users')
    .set({ last_login_at: sql`now()`, last_seen_at: sql`now()` })
    .where('id', '=', userId)
    .execute();
  return secret;
}

export async function closeSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}
