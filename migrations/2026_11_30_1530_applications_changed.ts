import { sql, type Kysely } from 'kysely';

// Every app process keeps the applications' lists (a comune's, an associated office's board) in
// memory. A change to an application names the comuni it touched (all of them past a few dozen); a
// change to one of its steps needs no trigger of its own, since it rewrites the application's next step
// (migration 0900). A change to a call (its title, its deadline) or to a comune's name, which the lists
// show, drops them all.
const MANY = 50;
const EVENTS = [
  { event: 'insert', transition: sql`referencing new table as changed_new` },
  { event: 'update', transition: sql`referencing old table as changed_old new table as changed_new` },
  { event: 'delete', transition: sql`referencing old table as changed_old` },
] as const;

// The comuni of the changed rows, as `touched`: `comuni` is the expression that reads them from a
// transition table aliased `r`.
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
      perform pg_notify('applications_changed', '*');
    else
      perform pg_notify('applications_changed', istat) from unnest(touched) istat;
    end if;
    return null;
  end $$`;

export async function up(db: Kysely<any>): Promise<void> {
  await notifyTouched('notify_applications_changed', (table) => sql`select r.comune_istat::text as istat from ${sql.raw(table)} r`).execute(db);
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
