import { sql, type Kysely } from 'kysely';

// The territory's answers sum the largest estimated amount of every match of the Lombard comuni: the
// primary key of matches carries that amount, so they read the index alone and not the matches'
// reasons and components (most of the table's pages).
//
// Every app process keeps the territory's answers (per-comune figures, funds, needs) in memory: they
// sum millions of matches and change rarely. Any statement that changes what they are computed from
// tells the processes to drop them, delivered when (and only if) the writer commits. Users count only
// by their status (their last-seen time changes on every visit and changes no figure).
const TABLES = [
  'matches',
  'calls',
  'call_windows',
  'call_themes',
  'comuni',
  'funding_awards',
  'programming_items',
  'programming_item_themes',
  'memberships',
  'aggregation_members',
  'themes',
];

const trigger = (table: string) => sql.raw(`${table}_notify_territory_changed`);

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table matches drop constraint matches_pkey`.execute(db);
  await sql`alter table matches add constraint matches_pkey primary key (comune_istat, call_id) include (amount_max)`.execute(db);
  await sql`
    create function notify_territory_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('territory_changed', '*');
      return null;
    end $$`.execute(db);
  for (const table of TABLES) {
    await sql`create trigger ${trigger(table)} after insert or update or delete or truncate on ${sql.table(table)} for each statement execute function notify_territory_changed()`.execute(
      db,
    );
  }
  await sql`create trigger ${trigger('users')} after insert or delete or truncate or update of status on users for each statement execute function notify_territory_changed()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [...TABLES, 'users']) await sql`drop trigger ${trigger(table)} on ${sql.table(table)}`.execute(db);
  await sql`drop function notify_territory_changed()`.execute(db);
  await sql`alter table matches drop constraint matches_pkey`.execute(db);
  await sql`alter table matches add constraint matches_pkey primary key (comune_istat, call_id)`.execute(db);
}
