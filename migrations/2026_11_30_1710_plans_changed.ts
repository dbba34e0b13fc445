import { sql, type Kysely } from 'kysely';

// A comune's plan is read from memory by every app process: its programming list, its profile's
// summary, the needs of the territory (kept per comune, territory/needs.by-comune.ts). The app's own
// writes notified `comuni_changed` with the comune; imports, seeds and scripts writing the tables
// directly did not, and the needs stayed as they were. Statement triggers now name the comuni a
// change touched (all of them, `*`, past a few dozen), whoever writes.
const MANY = 50;
const EVENTS = [
  { event: 'insert', transition: sql`referencing new table as changed_new` },
  { event: 'update', transition: sql`referencing old table as changed_old new table as changed_new` },
  { event: 'delete', transition: sql`referencing old table as changed_old` },
] as const;

// The comuni of the changed rows, as `touched`: `comuni` reads them from a transition table.
const notifyTouched = (name: string, comuni: (table: string) => ReturnType<typeof sql>) => sql`
  create function ${sql.raw(name)}() returns trigger language plpgsql as $$
  declare
    touched text[];
  begin
    if TG_OP = 'INSERT' then
      select array_agg(distinct istat) into touched from (${comuni('changed_new')}) t;
    elsif TG_OP = 'DELETE' then
      select array_agg(distinct istat) into touched from (${comuni('changed_old')}) t;
    else
      select array_agg(distinct istat) into touched from (${comuni('changed_new')} union ${comuni('changed_old')}) t;
    end if;
    if touched is null then
      return null;
    elsif array_length(touched, 1) > ${sql.lit(MANY)} then
      perform pg_notify('comuni_changed', '*');
    else
      perform pg_notify('comuni_changed', istat) from unnest(touched) istat;
    end if;
    return null;
  end $$`;

const TABLES = [
  { table: 'programming_items', fn: 'notify_plans_changed', comuni: (t: string) => sql`select r.comune_istat::text as istat from ${sql.raw(t)} r` },
  // An item's themes name it, not its comune; a deleted item's themes go with it (its own trigger names the comune).
  {
    table: 'programming_item_themes',
    fn: 'notify_plan_themes_changed',
    comuni: (t: string) => sql`select p.comune_istat::text as istat from ${sql.raw(t)} r join programming_items p on p.id = r.item_id`,
  },
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function notify_all_plans_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('comuni_changed', '*');
      return null;
    end $$`.execute(db);
  for (const { table, fn, comuni } of TABLES) {
    await notifyTouched(fn, comuni).execute(db);
    for (const { event, transition } of EVENTS)
      await sql`create trigger ${sql.raw(`${table}_notify_${event}`)} after ${sql.raw(event)} on ${sql.table(table)}
        ${transition} for each statement execute function ${sql.raw(fn)}()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_notify_truncate`)} after truncate on ${sql.table(table)}
      for each statement execute function notify_all_plans_changed()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { table, fn } of TABLES) {
    for (const event of [...EVENTS.map((e) => e.event), 'truncate'])
      await sql`drop trigger ${sql.raw(`${table}_notify_${event}`)} on ${sql.table(table)}`.execute(db);
    await sql`drop function ${sql.raw(fn)}()`.execute(db);
  }
  await sql`drop function notify_all_plans_changed()`.execute(db);
}
