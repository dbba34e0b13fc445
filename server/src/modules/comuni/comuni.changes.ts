import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';

export const COMUNI_CHANGED_CHANNEL = 'comuni_changed';

/**
 * Tells every app process that a comune's profile changed (`*`: possibly all of them). PostgreSQL
 * delivers the notification only if the caller's transaction commits, and to every listener.
 */
export async function notifyComuniChanged(db: Kysely<Database>, istat: string): Promise<void> {
  await sql`select pg_notify(${COMUNI_CHANGED_CHANNEL}, ${istat})`.execute(db);
}
