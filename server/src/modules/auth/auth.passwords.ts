import { hash, verify } from '@node-rs/argon2';
import { unprocessable } from '../../shared/domain-errors.ts';

export const MIN_PASSWORD_LENGTH = 12;
// Algorithm.Argon2id: a const enum, which isolatedModules cannot import.
const ARGON2ID = 2;

// Verified when the e-mail is unknown, so a wrong e-mail costs as much time as a wrong password.
const DECOY_HASH = await hash('decoy-password-for-timing', { algorithm: ARGON2ID });

export function assertStrongPassword(password: string, field = 'body.password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw unprocessable('WEAK_PASSWORD', `La password deve contenere almeno ${MIN_PASSWORD_LENGTH} caratteri.`, [
      { field, message: `Almeno ${MIN_PASSWORD_LENGTH} caratteri.` },
    ]);
  }
}

/** argon2id with the library's defaults (19 MiB, 2 iterations: OWASP's baseline). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  try {
    return (await verify(passwordHash ?? DECOY_HASH, password)) && passwordHash !== null;
  } catch {
    return false;
  }
}
