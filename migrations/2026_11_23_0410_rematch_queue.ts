import { sql, type Kysely } from 'kysely';

// A comune whose plan, interests or funding history changed must be matched again against the open
// calls. Triggers fill the queue in the writer's transaction; the matching worker drains it.
const SOURCES = ['programming_items', 'comune_interests', 'funding_awards', 'aggregation_members'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rematch_queue')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('comune_istat', 'char(6)', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('processed_at', 'timestamptz')
    .execute();
  await sql`create index rematch_queue_pending_index on rematch_queue (id) where processed_at is null`.execute(db);
  // Statement-level triggers see only the transition tables their event has: one function per event.
  await sql`
    create function queue_comune_rematch_new() returns trigger language plpgsql as $$
    begin
      insert into rematch_queue (comune_istat) select distinct comune_istat from new_rows;
      return null;
    end $$`.execute(db);
  await sql`
    create function queue_comune_rematch_old() returns trigger language plpgsql as $$
    begin
      insert into rematch_queue (comune_istat) select distinct comune_istat from old_rows;
      return null;
    end $$`.execute(db);
  for (const table of SOURCES) {
    await sql.raw(`create trigger ${table}_rematch_insert after insert on ${table} referencing new table as new_rows for each statement execute function queue_comune_rematch_new()`).execute(db);
    await sql.raw(`create trigger ${table}_rematch_update after update on ${table} referencing new table as new_rows for each statement execute function queue_comune_rematch_new()`).execute(db);
    await sql.raw(`create trigger ${table}_rematch_delete after delete on ${table} referencing old table as old_rows for each statement execute function queue_comune_rematch_old()`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of SOURCES) {
    for (const event of ['insert', 'update', 'delete']) await sql.raw(`drop trigger ${table}_rematch_${event} on ${table}`).execute(db);
  }
  await sql`drop function queue_comune_rematch_new()`.execute(db);
  await sql`drop function queue_comune_rematch_old()`.execute(db);
  await db.schema.dropTable('rematch_queue').execute();
}
