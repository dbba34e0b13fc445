import { sql, type Kysely } from 'kysely';

// Every app process mirrors the PostgreSQL engine's index in memory (server/src/plugins/search/
// postgres-catalogue.ts). Each statement that changes `search_documents` bumps one version and logs the
// calls it touched under it; a search reads the version and applies the changes it has not seen. The
// version's row is locked until the writer commits, so versions become visible in order and a reader
// that sees version n sees every change up to n. The last 10,000 statements' changes are kept: a process
// further behind reloads the whole index.
const KEPT_CHANGES = 10_000;
const EVENTS = [
  { event: 'insert', transition: sql`referencing new table as changed_new` },
  { event: 'update', transition: sql`referencing new table as changed_new` },
  { event: 'delete', transition: sql`referencing old table as changed_old` },
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table search_index_state (singleton boolean primary key default true check (singleton), version bigint not null default 0)`.execute(db);
  await sql`insert into search_index_state default values`.execute(db);
  await sql`create table search_index_changes (version bigint not null, call_id uuid not null)`.execute(db);
  await sql`create index search_index_changes_version_index on search_index_changes (version)`.execute(db);
  await sql`
    create function log_search_documents_changed() returns trigger language plpgsql as $$
    declare
      current bigint;
    begin
      update search_index_state set version = version + 1 returning version into current;
      if TG_OP = 'DELETE' then
        insert into search_index_changes (version, call_id) select current, r.call_id from changed_old r;
      else
        insert into search_index_changes (version, call_id) select current, r.call_id from changed_new r;
      end if;
      delete from search_index_changes where version <= current - ${sql.lit(KEPT_CHANGES)};
      return null;
    end $$`.execute(db);
  for (const { event, transition } of EVENTS)
    await sql`create trigger ${sql.raw(`search_documents_log_${event}`)} after ${sql.raw(event)} on search_documents
      ${transition} for each statement execute function log_search_documents_changed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { event } of EVENTS) await sql`drop trigger ${sql.raw(`search_documents_log_${event}`)} on search_documents`.execute(db);
  await sql`drop function log_search_documents_changed()`.execute(db);
  await sql`drop table search_index_changes`.execute(db);
  await sql`drop table search_index_state`.execute(db);
}
