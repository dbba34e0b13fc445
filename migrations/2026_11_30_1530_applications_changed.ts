import { sql, type Kysely } from 'kysely';
import { notifyTouchedComuni, TRANSITION_EVENTS as EVENTS } from '../server/src/plugins/db/notify-touched-comuni.ts';

// Every app process keeps the applications' lists (a comune's, an associated office's board) in
// memory. A change to an application names the comuni it touched (all of them past a few dozen); a
// change to one of its steps needs no trigger of its own, since it rewrites the application's next step
// (migration 0900). A change to a call (its title, its deadline) or to a comune's name, which the lists
// show, drops them all.

export async function up(db: Kysely<any>): Promise<void> {
  await notifyTouchedComuni(
    'notify_applications_changed',
    'applications_changed',
    (table) => sql`select r.comune_istat::text as istat from ${sql.raw(table)} r`,
  ).execute(db);
  for (const { event, transition } of EVENTS)
    await sql`create trigger ${sql.raw(`applications_notify_${event}`)} after ${sql.raw(event)} on applications
      ${transition} for each statement execute function notify_applications_changed()`.execute(db);
  await sql`
    create function notify_all_applications_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('applications_changed', '*');
      return null;
    end $$`.execute(db);
  await sql`create trigger comuni_notify_applications after update of name on comuni
    for each statement execute function notify_all_applications_changed()`.execute(db);
  // What the lists show of a call: a draft is nobody's application, so any change counts.
  await sql`create trigger calls_notify_applications after update of title, closes_at or delete on calls
    for each statement execute function notify_all_applications_changed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { event } of EVENTS) await sql`drop trigger ${sql.raw(`applications_notify_${event}`)} on applications`.execute(db);
  await sql`drop trigger comuni_notify_applications on comuni`.execute(db);
  await sql`drop trigger calls_notify_applications on calls`.execute(db);
  for (const fn of ['notify_applications_changed', 'notify_all_applications_changed']) await sql`drop function ${sql.raw(fn)}()`.execute(db);
}
