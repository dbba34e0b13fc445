import { sql, type Kysely } from 'kysely';

// Every app process keeps comuni's matches in memory (the opportunities list); any statement that
// changes matches or calls tells them to drop it, delivered when (and only if) the writer commits.
// PostgreSQL folds identical notifications of one transaction into one.
const TABLES = ['matches', 'calls'];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function notify_matches_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('matches_changed', '*');
      return null;
    end $$`.execute(db);
  for (const table of TABLES) {
    await sql`create trigger ${sql.raw(`${table}_notify_matches_changed`)} after insert or update or delete or truncate on ${sql.table(table)} for each statement execute function notify_matches_changed()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) await sql`drop trigger ${sql.raw(`${table}_notify_matches_changed`)} on ${sql.table(table)}`.execute(db);
  await sql`drop function notify_matches_changed()`.execute(db);
}
