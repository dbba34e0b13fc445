import { sql, type Kysely } from 'kysely';
import type { Config } from '../../plugins/config.ts';
import type { Database } from '../../plugins/db/schema.ts';
import { AppError } from '../../plugins/errors/problem.ts';
import { verifyPassword } from './passwords.ts';
import { randomToken, sha256 } from './secrets.ts';
import { findUserByEmail } from './users.queries.ts';

type Db = Kysely<Database>;

/** How many accounts' worth of failures one address may produce before it is slowed down too. */
const IP_FACTOR = 4;

export const INVALID_CREDENTIALS = new AppError(401, 'INVALID_CREDENTIALS', 'E-mail o password non corretti.');

async function failuresSince(db: Db, column: 'ip' | 'email_hash', value: string, windowMinutes: number) {
  return db
    .selectFrom('login_failures')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('at').as('oldest')])
    .where(column, '=', value)
    .where('at', '>', sql<Date>`now() - make_interval(mins => ${windowMinutes})`)
    .executeTakeFirstOrThrow();
}

function tooMany(oldest: Date | null, windowMinutes: number): AppError {
  const retryAfter = oldest ? Math.max(1, Math.ceil((oldest.getTime() + windowMinutes * 60_000 - Date.now()) / 1000)) : windowMinutes * 60;
  return new AppError(429, 'TOO_MANY_LOGIN_ATTEMPTS', `Troppi tentativi di accesso non riusciti. Riprova tra ${Math.ceil(retryAfter / 60)} minuti.`, undefined, {
    'retry-after': String(retryAfter),
  });
}

/**
 * Checks e-mail and password. Failures are counted per account (by e-mail hash, so unknown e-mails
 * are throttled alike and reveal nothing) and per client IP; past the limit the answer is 429.
 */
export async function authenticate(db: Db, config: Config, ip: string, email: string, password: string) {
  const emailHash = sha256(email.trim().toLowerCase());
  const window = config.loginWindowMinutes;
  const [byAccount, byIp] = await Promise.all([failuresSince(db, 'email_hash', emailHash, window), failuresSince(db, 'ip', ip, window)]);
  if (byAccount.count >= config.loginMaxFailures) throw tooMany(byAccount.oldest as Date | null, window);
  if (byIp.count >= config.loginMaxFailures * IP_FACTOR) throw tooMany(byIp.oldest as Date | null, window);

  const user = await findUserByEmail(db, email.trim());
  const valid = await verifyPassword(user?.status === 'active' ? user.password_hash : null, password);
  if (!user || !valid) {
    await db.insertInto('login_failures').values({ ip, email_hash: emailHash }).execute();
    if (user && byAccount.count + 1 >= config.loginMaxFailures) {
      await db.updateTable('users').set({ locked_until: sql`now() + make_interval(mins => ${window})` }).where('id', '=', user.id).execute();
    }
    throw INVALID_CREDENTIALS;
  }
  await db.deleteFrom('login_failures').where('email_hash', '=', emailHash).execute();
  return user;
}

/** Opens a session; the cookie carries the secret, the table only its hash. */
export async function openSession(db: Db, config: Config, userId: string): Promise<string> {
  const secret = randomToken();
  await db
    .insertInto('sessions')
    .values({ id_hash: sha256(secret), user_id: userId, expires_at: sql<Date>`now() + make_interval(hours => ${config.sessionAbsoluteHours})` })
    .execute();
  await db.updateTable('users').set({ last_login_at: sql`now()`, last_seen_at: sql`now()`, failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
  return secret;
}

export async function closeSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}
