import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Every change to a call leaves a row here, in the same transaction (a trigger, so no write path
  // can forget it); a worker drains it into the active search engine.
  await db.schema
    .createTable('search_outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('call_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_error', 'text')
    .addColumn('processed_at', 'timestamptz')
    .execute();
  await sql`create index search_outbox_pending_index on search_outbox (next_attempt_at, id) where processed_at is null`.execute(db);
  await sql`
    create function calls_to_search_outbox() returns trigger language plpgsql as $$
    begin
      insert into search_outbox (call_id) values (new.id);
      return null;
    end $$`.execute(db);
  await sql`create trigger calls_search_outbox after insert or update on calls for each row execute function calls_to_search_outbox()`.execute(db);
  // Calls that exist already are indexed by the first drain.
  await sql`insert into search_outbox (call_id) select id from calls`.execute(db);

  // The PostgreSQL engine's index: one document per call, weighted Italian full text plus facet columns.
  await db.schema
    .createTable('search_documents')
    .addColumn('call_id', 'uuid', (c) => c.primaryKey().references('calls.id').onDelete('cascade'))
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('tsv', sql`tsvector`, (c) => c.notNull())
    .addColumn('title_folded', 'text', (c) => c.notNull())
    .addColumn('editorial_status', 'text', (c) => c.notNull())
    .addColumn('programme', 'text', (c) => c.notNull())
    .addColumn('measure_code', 'text')
    .addColumn('themes', sql`text[]`, (c) => c.notNull())
    .addColumn('sources', sql`text[]`, (c) => c.notNull())
    .addColumn('body_types', sql`text[]`, (c) => c.notNull())
    .addColumn('regions', sql`text[]`, (c) => c.notNull())
    .addColumn('provinces', sql`text[]`, (c) => c.notNull())
    .addColumn('amount_max', 'numeric(16, 2)')
    .addColumn('remaining_budget', 'numeric(16, 2)')
    // Window bounds in epoch milliseconds; closes_ms null when a window stays open until funds run out.
    .addColumn('opens_ms', 'bigint')
    .addColumn('closes_ms', 'bigint')
    // Each window's bounds, in order; an open-ended window closes at Number.MAX_SAFE_INTEGER.
    .addColumn('window_opens', sql`bigint[]`, (c) => c.notNull())
    .addColumn('window_closes', sql`bigint[]`, (c) => c.notNull())
    .addColumn('published_at', 'timestamptz')
    .addColumn('indexed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Storage is SSD or memory here, not spinning disks: let the planner prefer the GIN index over a scan.
  await sql`do $$ begin execute format('alter database %I set random_page_cost = 1.1', current_database()); end $$`.execute(db);
  await sql`create index search_documents_tsv_index on search_documents using gin (tsv) with (fastupdate = off)`.execute(db);
  await sql`create index search_documents_title_folded_index on search_documents using gin (title_folded gin_trgm_ops) with (fastupdate = off)`.execute(db);
  await sql`create index search_documents_themes_index on search_documents using gin (themes) with (fastupdate = off)`.execute(db);
  await db.schema.createIndex('search_documents_opens_ms_closes_ms_index').on('search_documents').columns(['opens_ms', 'closes_ms']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('search_documents').execute();
  await sql`drop trigger calls_search_outbox on calls`.execute(db);
  await sql`drop function calls_to_search_outbox()`.execute(db);
  await db.schema.dropTable('search_outbox').execute();
}
