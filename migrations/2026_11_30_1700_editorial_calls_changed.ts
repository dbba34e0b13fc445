import { sql, type Kysely } from 'kysely';

// Every app process keeps the editors' lists and their counts in memory: under load they were the
// database's largest cost after the needs (a status and a deadline worked out for each of 10,000
// calls, per request). Any statement on what they show drops them all: editors are few and save
// rarely next to how often they reload a list.
const TABLES = ['calls', 'call_windows', 'call_themes', 'call_sources', 'call_revisions'];

const trigger = (table: string) => sql.raw(`${table}_notify_editorial_calls_changed`);

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function notify_editorial_calls_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('editorial_calls_changed', '*');
      return null;
    end $$`.execute(db);
  for (const table of TABLES)
    await sql`create trigger ${trigger(table)} after insert or update or delete or truncate on ${sql.table(table)}
      for each statement execute function notify_editorial_calls_changed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) await sql`drop trigger ${trigger(table)} on ${sql.table(table)}`.execute(db);
  await sql`drop function notify_editorial_calls_changed()`.execute(db);
}
