import { sql, type Kysely } from 'kysely';
import { notifyTouchedComuni, TRANSITION_EVENTS as EVENTS } from '../server/src/plugins/db/notify-touched-comuni.ts';

// A comune's plan is read from memory by every app process: its programming list, its profile's
// summary, the needs of the territory (kept per comune, territory/needs.by-comune.ts). The app's own
// writes notified `comuni_changed` with the comune; imports, seeds and scripts writing the tables
// directly did not, and the needs stayed as they were. Statement triggers now name the comuni a
// change touched (all of them, `*`, past a few dozen), whoever writes.

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
    await notifyTouchedComuni(fn, 'comuni_changed', comuni).execute(db);
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
