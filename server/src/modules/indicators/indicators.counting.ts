import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';

type Kind = 'call_view' | 'alert_click' | 'search_empty';

/** The day in Rome of an instant, as PostgreSQL computes it. */
export const romeDay = (at: Date) => sql<string>`(${at}::timestamptz at time zone 'Europe/Rome')::date`;

/** Adds one to a day's count: who, from where and with what browser is never stored. */
export async function countUsage(db: Kysely<Database>, at: Date, kind: Kind, subject = ''): Promise<void> {
  await db
    .insertInto('usage_counts')
    .values({ day: romeDay(at), kind, subject, count: 1 })
    .onConflict((c) => c.columns(['day', 'kind', 'subject']).doUpdateSet({ count: sql`usage_counts.count + 1` }))
    .execute();
}

/**
 * A search text as it is counted: lower case, spaces collapsed, at most 80 characters. A text that
 * looks like an e-mail address or a long number (a phone, a tax code) is counted without its words.
 */
export function searchSubject(q: string): string {
  const text = q.toLowerCase().replace(/\s+/g, ' ').trim().slice(0, 80);
  return /@|\d{6,}/.test(text) ? '' : text;
}
