import { sql, type Kysely } from 'kysely';

// Every app process keeps signed-in principals in memory (one database round trip less per request).
// Whatever changes who someone is or what they may do notifies them, delivered on commit:
// a session or token by its hash, anything else (role, status, memberships, aggregations) for all.
const EVERYONE = ['memberships', 'aggregation_members', 'aggregations'];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function notify_session_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('principals_changed', 's:' || old.id_hash);
      return null;
    end $$`.execute(db);
  await sql`
    create function notify_token_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('principals_changed', 't:' || old.token_hash);
      return null;
    end $$`.execute(db);
  await sql`
    create function notify_principals_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('principals_changed', '*');
      return null;
    end $$`.execute(db);
  await sql`create trigger sessions_notify_principals after update or delete on sessions for each row execute function notify_session_changed()`.execute(db);
  await sql`create trigger api_tokens_notify_principals after update or delete on api_tokens for each row execute function notify_token_changed()`.execute(db);
  // Signing in only moves users.last_seen_at: that changes no one's rights.
  await sql`create trigger users_notify_principals after update of role, status or delete on users for each statement execute function notify_principals_changed()`.execute(db);
  for (const table of EVERYONE) {
    await sql`create trigger ${sql.raw(`${table}_notify_principals`)} after insert or update or delete or truncate on ${sql.table(table)} for each statement execute function notify_principals_changed()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of EVERYONE) await sql`drop trigger ${sql.raw(`${table}_notify_principals`)} on ${sql.table(table)}`.execute(db);
  await sql`drop trigger users_notify_principals on users`.execute(db);
  await sql`drop trigger api_tokens_notify_principals on api_tokens`.execute(db);
  await sql`drop trigger sessions_notify_principals on sessions`.execute(db);
  await sql`drop function notify_principals_changed()`.execute(db);
  await sql`drop function notify_token_changed()`.execute(db);
  await sql`drop function notify_session_changed()`.execute(db);
}
