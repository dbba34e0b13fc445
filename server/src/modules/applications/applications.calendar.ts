import { sql } from 'kysely';
import type { Db } from '../../plugins/db/database.ts';
import type { CalendarEntry, CalendarSource } from '../alerts/index.ts';
import { callsView } from '../calls/index.ts';
import { applicationPath } from './applications.service.ts';

const ALARM_DAYS = [7, 1] as const;

/**
 * Steps and milestones still to do, as whole-day events: a comune's feed has all of its applications',
 * a person's feed those of the applications they follow or where a step is theirs.
 */
export const applicationsCalendar: CalendarSource = async (db: Db, owner) => {
  const scope =
    'comune' in owner
      ? sql`a.comune_istat = ${owner.comune}`
      : sql`(s.assignee_id = ${owner.user} or exists (select 1 from application_followers f where f.application_id = a.id and f.user_id = ${owner.user}))`;
  const { rows } = await sql<{
    id: string;
    title: string;
    phase: string;
    due_on: string;
    created_at: Date;
    call_id: string;
    call_title: string;
    comune_istat: string;
    comune: string;
  }>`
    select s.id, s.title, s.phase, s.due_on::text as due_on, s.created_at, a.call_id, c.title as call_title, a.comune_istat, co.name as comune
      from application_steps s
      join applications a on a.id = s.application_id
      join ${callsView} c on c.id = a.call_id
      join comuni co on co.istat = a.comune_istat
     where s.done_at is null and s.due_on is not null
       and ((s.phase = 'preparazione' and a.status in ('interessato', 'in_preparazione')) or (s.phase = 'attuazione' and a.status = 'finanziata'))
       and ${scope}
     order by s.due_on
  `.execute(db);
  return rows.map((r): CalendarEntry => ({
    uid: `passo-${r.id}`,
    summary: `${r.phase === 'attuazione' ? 'Traguardo' : 'Passo'}: ${r.title} – ${r.call_title}${'user' in owner ? ` (${r.comune})` : ''}`,
    day: r.due_on,
    description: `Candidatura del Comune di ${r.comune} al bando «${r.call_title}».`,
    path: applicationPath(r.comune_istat, r.call_id),
    alarmDays: ALARM_DAYS,
    updatedAt: r.created_at,
  }));
};
