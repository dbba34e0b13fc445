import { sql, type Kysely } from 'kysely';

// Each application keeps its next step (the first open step of the phase its status is in: preparation
// before sending, milestones once funded), maintained by triggers on the steps and on the status. An
// office's board sorts and filters its applications by that date: reading it from the row instead of
// looking up every application's steps keeps the board fast for an office of many comuni.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').addColumn('next_step_title', 'text').addColumn('next_step_due_on', 'date').execute();

  await sql`
    create function application_next_step(application uuid, status text) returns table (title text, due_on date)
    language sql stable as $$
      select s.title, s.due_on from application_steps s
       where s.application_id = application and s.done_at is null
         and s.phase = case when status in ('interessato', 'in_preparazione') then 'preparazione' when status = 'finanziata' then 'attuazione' end
       order by s.due_on asc nulls last, s.position
       limit 1
    $$`.execute(db);
  await sql`
    create function applications_refresh_next_step() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        update applications a set (next_step_title, next_step_due_on) = (select n.title, n.due_on from application_next_step(a.id, a.status) n)
         where a.id = old.application_id;
      end if;
      if tg_op in ('INSERT', 'UPDATE') and (tg_op = 'INSERT' or new.application_id <> old.application_id) then
        update applications a set (next_step_title, next_step_due_on) = (select n.title, n.due_on from application_next_step(a.id, a.status) n)
         where a.id = new.application_id;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger application_steps_next_step after insert or update or delete on application_steps
    for each row execute function applications_refresh_next_step()`.execute(db);
  await sql`
    create function applications_next_step_on_status() returns trigger language plpgsql as $$
    begin
      select n.title, n.due_on into new.next_step_title, new.next_step_due_on from application_next_step(new.id, new.status) n;
      if not found then
        new.next_step_title := null;
        new.next_step_due_on := null;
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger applications_next_step before update of status on applications
    for each row when (old.status is distinct from new.status) execute function applications_next_step_on_status()`.execute(db);

  await sql`
    update applications a set (next_step_title, next_step_due_on) = (select n.title, n.due_on from application_next_step(a.id, a.status) n)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger applications_next_step on applications`.execute(db);
  await sql`drop trigger application_steps_next_step on application_steps`.execute(db);
  await sql`drop function applications_next_step_on_status()`.execute(db);
  await sql`drop function applications_refresh_next_step()`.execute(db);
  await sql`drop function application_next_step(uuid, text)`.execute(db);
  await db.schema.alterTable('applications').dropColumn('next_step_title').dropColumn('next_step_due_on').execute();
}
