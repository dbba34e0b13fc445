import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { notFound } from '../../shared/domain-errors.ts';

export const comuneNotFound = (istat: string) => notFound('COMUNE_NOT_FOUND', `Nessun comune con codice ISTAT ${istat}.`);

/** 404 problem for a code that is well formed but not in the registry. */
export async function assertComuneExists(db: Kysely<Database>, istat: string): Promise<void> {
  if (!(await db.selectFrom('comuni').select('istat').where('istat', '=', istat).executeTakeFirst())) throw comuneNotFound(istat);
}
