import { type Kysely, sql } from 'kysely';

// A call can match several comuni a person follows (an associated RTD office, an unione): the
// notification says so once, and keeps each comune's own title, text and link for the digests,
// which list every news item under each comune it concerns. Empty when the call concerns one comune.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('notifications')
    .addColumn('comuni', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`).check(sql`jsonb_typeof(comuni) = 'array'`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').dropColumn('comuni').execute();
}
