import { sql } from 'kysely';

// For the migrations whose statement triggers name the comuni a change touched (1530 applications,
// 1710 plans): what they create must stay as it is, since databases already ran them.

/** Past this many comuni a change notifies `*`: every listener reloads everything. */
export const MANY_COMUNI = 50;

/** The three row events, each with the transition tables it has. */
export const TRANSITION_EVENTS = [
  { event: 'insert', transition: sql`referencing new table as changed_new` },
  { event: 'update', transition: sql`referencing old table as changed_old new table as changed_new` },
  { event: 'delete', transition: sql`referencing old table as changed_old` },
] as const;

/**
 * A trigger function `name` that notifies `channel` with each comune the changed rows touched (`*`
 * past MANY_COMUNI): `comuni` reads their ISTAT codes, as `istat`, from a transition table.
 */
export const notifyTouchedComuni = (name: string, channel: string, comuni: (table: string) => ReturnType<typeof sql>) => sql`
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
    elsif array_length(touched, 1) > ${sql.lit(MANY_COMUNI)} then
      perform pg_notify(${sql.lit(channel)}, '*');
    else
      perform pg_notify(${sql.lit(channel)}, istat) from unnest(touched) istat;
    end if;
    return null;
  end $$`;
