import { sql, type Kysely, type Transaction } from 'kysely';
import type { Config } from '../../plugins/config.ts';
import type { Database } from '../../plugins/db/schema.ts';
import { DomainError, tooManyRequests } from '../../shared/domain-errors.ts';
import { sha256 } from '../../shared/secrets.ts';

/*
 * Login throttling after the OWASP Authentication Cheat Sheet ("Account lockout", and the device
 * cookies it links to): slow guessing down, never let anybody lock a person out.
 *
 * - Per account, by e-mail hash, so an unknown e-mail is throttled exactly like a real one:
 *   LOGIN_MAX_FAILURES failures in the sliding LOGIN_WINDOW_MINUTES, then each further attempt waits
 *   LOGIN_BACKOFF_SECONDS, doubled by every further failure, at most the window. Refused attempts
 *   are not counted, so after a burst the real user waits one short delay, not the window.
 * - Known clients: an address the account signed in from in the last KNOWN_CLIENT_DAYS counts only
 *   its own failures on that account, so attacks from elsewhere cannot keep an administrator out.
 * - Per address, by (address, account) pairs: an address whose failures in the window reach
 *   IP_FACTOR × LOGIN_MAX_FAILURES accounts (spraying, or a flood of unknown e-mails) may try no
 *   further account until they age out. The pairs it already tried go on under their account's
 *   limit, and whoever signed in from that address before is a known client and gets in. A newcomer
 *   behind it does wait: before the password is checked nothing tells them from the flood.
 *
 * Addresses are only as good as TRUST_PROXY; the per-account limit does not depend on them.
 * Every attempt is counted as a failure before its password is verified, under transaction-scoped
 * advisory locks on the account and the address: parallel requests cannot verify more than the limit.
 */

type Db = Kysely<Database>;
type Trx = Transaction<Database>;
type Policy = Pick<Config, 'loginMaxFailures' | 'loginWindowMinutes' | 'loginBackoffSeconds'>;

export interface LoginAttempt {
  ip: string;
  emailHash: string;
}

/** How long an address an account signed in from stays a known client. */
export const KNOWN_CLIENT_DAYS = 90;
/** Accounts one address may fail on in the window, as a multiple of LOGIN_MAX_FAILURES. */
const IP_FACTOR = 4;

const windowStart = (policy: Policy) => sql<Date>`now() - make_interval(mins => ${policy.loginWindowMinutes})`;

function inItalian(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 secondo' : `${seconds} secondi`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minuto' : `${minutes} minuti`;
}

function tooManyAttempts(seconds: number): DomainError {
  return tooManyRequests('TOO_MANY_LOGIN_ATTEMPTS', `Troppi tentativi di accesso non riusciti. Riprova tra ${inItalian(seconds)}.`, seconds);
}

async function lock(trx: Trx, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}

async function isKnownClient(trx: Trx, attempt: LoginAttempt): Promise<boolean> {
  const row = await trx
    .selectFrom('login_known_clients')
    .select('ip')
    .where('email_hash', '=', attempt.emailHash)
    .where('ip', '=', attempt.ip)
    .where('last_success_at', '>', sql<Date>`now() - make_interval(days => ${KNOWN_CLIENT_DAYS})`)
    .executeTakeFirst();
  return row !== undefined;
}

/** Seconds until the account (or, for a known client, its pair) may try again; 0 or less: now. */
async function backoffWait(trx: Trx, policy: Policy, attempt: LoginAttempt, pairOnly: boolean): Promise<number> {
  const row = await trx
    .selectFrom('login_failures')
    .select((eb) => [eb.fn.countAll<string>().as('failures'), sql<string | null>`extract(epoch from max(at) - now())`.as('lastAt')])
    .where('email_hash', '=', attempt.emailHash)
    .$if(pairOnly, (qb) => qb.where('ip', '=', attempt.ip))
    .where('at', '>', windowStart(policy))
    .executeTakeFirstOrThrow();
  const beyond = Number(row.failures) - policy.loginMaxFailures;
  if (beyond < 0) return 0;
  const delay = Math.min(policy.loginBackoffSeconds * 2 ** beyond, policy.loginWindowMinutes * 60);
  return delay + Number(row.lastAt);
}

/** Seconds until an address that spread failures over too many accounts may try a new one. */
async function sprayWait(trx: Trx, policy: Policy, attempt: LoginAttempt): Promise<number> {
  const accounts = policy.loginMaxFailures * IP_FACTOR;
  const tried = trx.selectFrom('login_failures').where('ip', '=', attempt.ip).where('at', '>', windowStart(policy));
  const [pair, oldest] = await Promise.all([
    tried.select('id').where('email_hash', '=', attempt.emailHash).limit(1).executeTakeFirst(),
    // The accounts' latest failures, newest first: when the one in position `accounts` ages out, a slot opens.
    tried
      .select(sql<string>`extract(epoch from max(at) + make_interval(mins => ${policy.loginWindowMinutes}) - now())`.as('wait'))
      .groupBy('email_hash')
      .orderBy(sql`max(at)`, 'desc')
      .offset(accounts - 1)
      .limit(1)
      .executeTakeFirst(),
  ]);
  return pair || !oldest ? 0 : Number(oldest.wait);
}

/** Counts the attempt as a failure before its password is checked; throws 429 while it must wait. */
export async function reserveAttempt(db: Db, policy: Policy, attempt: LoginAttempt): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Always the account first, then the address: one order, no deadlock.
    await lock(trx, `login:account:${attempt.emailHash}`);
    await lock(trx, `login:ip:${attempt.ip}`);
    const waits = (await isKnownClient(trx, attempt))
      ? [await backoffWait(trx, policy, attempt, true)]
      : [await backoffWait(trx, policy, attempt, false), await sprayWait(trx, policy, attempt)];
    const wait = Math.max(...waits);
    if (wait > 0) throw tooManyAttempts(Math.ceil(wait));
    await trx.insertInto('login_failures').values({ ip: attempt.ip, email_hash: attempt.emailHash }).execute();
  });
}

/** A successful sign-in clears the account's failures and makes its address a known client. */
export async function recordSuccess(db: Db, attempt: LoginAttempt): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('login_failures').where('email_hash', '=', attempt.emailHash).execute();
    await trx
      .insertInto('login_known_clients')
      .values({ email_hash: attempt.emailHash, ip: attempt.ip })
      .onConflict((oc) => oc.columns(['email_hash', 'ip']).doUpdateSet({ last_success_at: sql`now()` }))
      .execute();
  });
}

/** The login records are kept by e-mail hash: the same hash the login computes. */
export const loginEmailHash = (email: string) => sha256(email.trim().toLowerCase());

/** The addresses a person signed in from recently (they are personal data: exported on request). */
export async function knownClientsOf(db: Db, email: string) {
  return db
    .selectFrom('login_known_clients')
    .select(['ip', 'last_success_at'])
    .where('email_hash', '=', loginEmailHash(email))
    .orderBy('last_success_at', 'desc')
    .execute();
}

/** Right to erasure: failed attempts and known addresses of the person go with the rest. */
export async function forgetLoginHistory(db: Db, email: string): Promise<void> {
  const emailHash = loginEmailHash(email);
  await db.deleteFrom('login_failures').where('email_hash', '=', emailHash).execute();
  await db.deleteFrom('login_known_clients').where('email_hash', '=', emailHash).execute();
}
