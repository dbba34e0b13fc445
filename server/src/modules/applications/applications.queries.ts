import { sql, type Kysely, type Transaction } from 'kysely';
import type { ApplicationStatus, Database, NotApplyingReason } from '../../plugins/db/schema.ts';
import { callsView, callWindowsView } from '../calls/index.ts';

type Db = Kysely<Database>;
export type Trx = Transaction<Database>;

export interface SummaryFilter {
  comuni: readonly string[] | 'all';
  status?: readonly ApplicationStatus[] | undefined;
  callId?: string | undefined;
  overdue?: boolean | undefined;
  sort?: 'deadline' | 'updated' | 'comune' | undefined;
  limit: number | null;
  offset: number;
}

export interface SummaryRow {
  id: string;
  comune_istat: string;
  comune: string;
  call_id: string;
  call_title: string;
  call_closes_at: Date | null;
  status: ApplicationStatus;
  reason: NotApplyingReason | null;
  amount_requested: string | number | null;
  cup: string | null;
  updated_at: Date;
  next_title: string | null;
  next_due: string | null;
  overdue_steps: number;
  overdue_milestones: number;
  total: number;
}

const ORDER = {
  deadline: sql`a.next_step_due_on asc nulls last, co.name, c.title`,
  updated: sql`a.updated_at desc`,
  comune: sql`co.name, c.title`,
};
/** The same orders on the page's own columns. */
const ORDER_OF_PAGE = {
  deadline: sql`p.next_due_on asc nulls last, p.comune, p.call_title`,
  updated: sql`p.updated_at desc`,
  comune: sql`p.comune, p.call_title`,
};

/**
 * Applications with their next step and overdue counts, for a comune's list and the office's board
 * alike. The next step is kept on the application (by triggers), so an office's whole list sorts and
 * pages on its own rows; the overdue steps are counted for the page's rows only. An application is
 * overdue exactly when its next step is: that step is the earliest open one of the current phase.
 */
export async function listSummaries(db: Db, filter: SummaryFilter, today: string): Promise<SummaryRow[]> {
  const where = [sql`true`];
  if (filter.comuni !== 'all') where.push(sql`a.comune_istat = any(${[...filter.comuni]}::char(6)[])`);
  if (filter.status?.length) where.push(sql`a.status = any(${[...filter.status]}::text[])`);
  if (filter.callId) where.push(sql`a.call_id = ${filter.callId}`);
  if (filter.overdue) where.push(sql`a.next_step_due_on < ${today}::date`);
  const { rows } = await sql<SummaryRow>`
    with page as (
      select a.id, a.comune_istat, co.name as comune, a.call_id, c.title as call_title, c.closes_at as call_closes_at,
             a.status, a.reason, a.amount_requested, a.cup, a.updated_at,
             a.next_step_title as next_title, a.next_step_due_on as next_due_on,
             count(*) over ()::int as total
        from applications a
        join comuni co on co.istat = a.comune_istat
        join ${callsView} c on c.id = a.call_id
       where ${sql.join(where, sql` and `)}
       order by ${ORDER[filter.sort ?? 'deadline']}, a.id
       ${filter.limit === null ? sql`` : sql`limit ${filter.limit}`} offset ${filter.offset}
    )
    select p.id, p.comune_istat, p.comune, p.call_id, p.call_title, p.call_closes_at, p.status, p.reason, p.amount_requested, p.cup, p.updated_at,
           p.next_title, p.next_due_on::text as next_due, od.steps::int as overdue_steps, od.milestones::int as overdue_milestones, p.total
      from page p
      cross join lateral (
        select count(*) filter (where s.phase = 'preparazione' and p.status in ('interessato', 'in_preparazione')) as steps,
               count(*) filter (where s.phase = 'attuazione' and p.status = 'finanziata') as milestones
          from application_steps s
         where s.application_id = p.id and s.done_at is null and s.due_on < ${today}::date
      ) od
     order by ${ORDER_OF_PAGE[filter.sort ?? 'deadline']}, p.id
  `.execute(db);
  return rows;
}

export async function findApplication(db: Db, istat: string, callId: string) {
  return db
    .selectFrom('applications as a')
    .innerJoin('comuni as co', 'co.istat', 'a.comune_istat')
    .innerJoin(callsView.as('c'), 'c.id', 'a.call_id')
    .selectAll('a')
    .select(['co.name as comune', 'c.title as call_title', 'c.closes_at as call_closes_at'])
    .where('a.comune_istat', '=', istat)
    .where('a.call_id', '=', callId)
    .executeTakeFirst();
}
export type ApplicationRow = NonNullable<Awaited<ReturnType<typeof findApplication>>>;

export async function lockApplication(trx: Trx, istat: string, callId: string) {
  return trx.selectFrom('applications').selectAll().where('comune_istat', '=', istat).where('call_id', '=', callId).forUpdate().executeTakeFirst();
}

export async function stepsOf(db: Db, applicationId: string) {
  return db
    .selectFrom('application_steps as s')
    .leftJoin('users as a', 'a.id', 's.assignee_id')
    .leftJoin('users as d', 'd.id', 's.done_by')
    .selectAll('s')
    .select(['a.name as assignee_name', 'd.name as done_by_name', sql<string | null>`s.due_on::text`.as('due_day')])
    .where('s.application_id', '=', applicationId)
    .orderBy(sql`case s.phase when 'preparazione' then 0 else 1 end`)
    .orderBy('s.position')
    .execute();
}
export type StepRow = Awaited<ReturnType<typeof stepsOf>>[number];

export async function followersOf(db: Db, applicationId: string) {
  return db
    .selectFrom('application_followers as f')
    .innerJoin('users as u', 'u.id', 'f.user_id')
    .select(['u.id', 'u.name'])
    .where('f.application_id', '=', applicationId)
    .where('u.status', '=', 'active')
    .orderBy('u.name')
    .execute();
}

export async function eventsOf(db: Db, where: { applicationId: string } | { comune: string }, limit: number, offset = 0) {
  let query = db
    .selectFrom('application_events as e')
    .innerJoin('applications as a', 'a.id', 'e.application_id')
    .innerJoin(callsView.as('c'), 'c.id', 'a.call_id')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .select(['e.id', 'e.action', 'e.changes', 'e.at', 'e.actor_id', 'u.name as actor_name', 'a.call_id', 'c.title as call_title']);
  query = 'applicationId' in where ? query.where('e.application_id', '=', where.applicationId) : query.where('e.comune_istat', '=', where.comune);
  const [rows, count] = await Promise.all([
    query.orderBy('e.id', 'desc').limit(limit).offset(offset).execute(),
    query
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
export type EventRow = Awaited<ReturnType<typeof eventsOf>>['rows'][number];

export async function recordEvent(
  trx: Kysely<Database>,
  entry: { applicationId: string; istat: string; actorId: string | null; action: string; changes?: object },
) {
  await trx
    .insertInto('application_events')
    .values({
      application_id: entry.applicationId,
      comune_istat: entry.istat,
      actor_id: entry.actorId,
      action: entry.action,
      changes: JSON.stringify(entry.changes ?? {}),
    })
    .execute();
}

export async function notesOf(db: Db, applicationId: string) {
  const notes = await db
    .selectFrom('application_notes as n')
    .leftJoin('users as u', 'u.id', 'n.author_id')
    .select(['n.id', 'n.body', 'n.created_at', 'n.updated_at', 'n.author_id', 'u.name as author_name'])
    .where('n.application_id', '=', applicationId)
    .orderBy('n.created_at')
    .execute();
  const revisions =
    notes.length === 0
      ? []
      : await db
          .selectFrom('application_note_revisions as r')
          .leftJoin('users as u', 'u.id', 'r.edited_by')
          .select(['r.note_id', 'r.previous_body', 'r.edited_at', 'r.edited_by', 'u.name as editor_name'])
          .where(
            'r.note_id',
            'in',
            notes.map((n) => n.id),
          )
          .orderBy('r.id')
          .execute();
  return { notes, revisions };
}

/** Whether the call exists and is published: a comune works only on calls it can see. */
export async function publishedCall(db: Db, callId: string, now: Date) {
  return db
    .selectFrom(callsView.as('c'))
    .select(['c.id', 'c.title', 'c.programme_kind', 'c.measure_code', 'c.closes_at'])
    .select(sql<Date | null>`(select min(w.closes_at) from ${callWindowsView} w where w.call_id = c.id and w.closes_at > ${now})`.as('next_closing'))
    .where('c.id', '=', callId)
    .where('c.editorial_status', '=', 'published')
    .executeTakeFirst();
}
