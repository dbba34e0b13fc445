import { sql, type Kysely } from 'kysely';

// The opportunities cache of every app process used to be dropped whole by any change to matches or
// calls: an editor saving a draft, or one comune's rematch, emptied it for every RTD. Now a change to
// matches names the comuni it touched (all of them past a few dozen), and a change to calls counts
// only when a published call is involved (drafts are matched by nobody); it also drops the public
// catalogue's cached pages (published_calls_changed).
const MANY = 50;
const EVENTS = [
  { event: 'insert', transition: sql`referencing new table as changed_new` },
  { event: 'update', transition: sql`referencing old table as changed_old new table as changed_new` },
  { event: 'delete', transition: sql`referencing old table as changed_old` },
] as const;
const TRIGGERS = [
  { table: 'matches', fn: 'notify_matches_changed_by_comune' },
  { table: 'calls', fn: 'notify_published_calls_changed' },
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const { table } of TRIGGERS) await sql`drop trigger ${sql.raw(`${table}_notify_matches_changed`)} on ${sql.table(table)}`.execute(db);
  // PL/pgSQL plans a statement when it first runs it: a branch that reads a transition table the
  // event does not have is never planned.
  await sql`
    create function notify_matches_changed_by_comune() returns trigger language plpgsql as $$
    declare
      touched text[];
    begin
      if TG_OP = 'INSERT' then
        select array_agg(distinct comune_istat) into touched from changed_new;
      elsif TG_OP = 'DELETE' then
        select array_agg(distinct comune_istat) into touched from changed_old;
      else
        select array_agg(distinct istat) into touched
          from (select comune_istat as istat from changed_new union select comune_istat from changed_old) t;
      end if;
      if touched is null then
        return null;
      elsif array_length(touched, 1) > ${sql.lit(MANY)} then
        perform pg_notify('matches_changed', '*');
      else
        perform pg_notify('matches_changed', istat) from unnest(touched) istat;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create function notify_published_calls_changed() returns trigger language plpgsql as $$
    declare
      published boolean := false;
    begin
      if TG_OP <> 'DELETE' then
        published := exists (select 1 from changed_new where editorial_status = 'published');
      end if;
      if not published and TG_OP <> 'INSERT' then
        published := exists (select 1 from changed_old where editorial_status = 'published');
      end if;
      if published then
        perform pg_notify('matches_changed', '*');
        perform pg_notify('published_calls_changed', '*');
      end if;
      return null;
    end $$`.execute(db);
  for (const { table, fn } of TRIGGERS) {
    for (const { event, transition } of EVENTS)
      await sql`create trigger ${sql.raw(`${table}_notify_${event}`)} after ${sql.raw(event)} on ${sql.table(table)}
        ${transition} for each statement execute function ${sql.raw(fn)}()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_notify_truncate`)} after truncate on ${sql.table(table)}
      for each statement execute function notify_matches_changed()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { table } of TRIGGERS) {
    for (const event of ['insert', 'update', 'delete', 'truncate'])
      await sql`drop trigger ${sql.raw(`${table}_notify_${event}`)} on ${sql.table(table)}`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_notify_matches_changed`)} after insert or update or delete or truncate on ${sql.table(table)}
      for each statement execute function notify_matches_changed()`.execute(db);
  }
  await sql`drop function notify_matches_changed_by_comune()`.execute(db);
  await sql`drop function notify_published_calls_changed()`.execute(db);
}
