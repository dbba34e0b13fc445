import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { intervalWorker } from '../../plugins/interval-worker.ts';
import { alertOptions } from '../alerts/index.ts';
import { callsView } from '../calls/index.ts';
import { applicationPath, workContext } from './applications.service.ts';
import { dayOffset } from './applications.steps.ts';

/** Days before a step's or milestone's date when the people on it are reminded; 0 is the day itself. */
export const REMINDER_DAYS = [7, 1, 0] as const;
const EVERY_MS = 10 * 60_000;

const italianDay = (day: string) => day.split('-').reverse().join('/');

/**
 * Reminds the assignee of each open step (or, without one, the application's followers) 7 days and 1
 * day before its date and on the day, in-app and by e-mail; each reminder once (its event key).
 */
export async function remindDueSteps(app: FastifyInstance, now: Date): Promise<number> {
  const days = REMINDER_DAYS.map((d) => dayOffset(now, d));
  return app.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{
      id: string;
      title: string;
      phase: string;
      due_on: string;
      assignee_id: string | null;
      application_id: string;
      call_id: string;
      call_title: string;
      comune_istat: string;
      followers: string[];
    }>`
      select s.id, s.title, s.phase, s.due_on::text as due_on, s.assignee_id, a.id as application_id, a.call_id, c.title as call_title, a.comune_istat,
             array(select f.user_id::text from application_followers f where f.application_id = a.id) as followers
        from application_steps s
        join applications a on a.id = s.application_id
        join ${callsView} c on c.id = a.call_id
       where s.done_at is null and s.due_on = any(${days}::date[])
         and ((s.phase = 'preparazione' and a.status in ('interessato', 'in_preparazione')) or (s.phase = 'attuazione' and a.status = 'finanziata'))
    `.execute(trx);
    const ctx = workContext(trx, null, now, alertOptions(app.config));
    let told = 0;
    for (const step of rows) {
      const when = step.due_on === days[2] ? 'oggi' : `il ${italianDay(step.due_on)}`;
      const people = await ctx.notify({
        callId: step.call_id,
        comuneIstat: step.comune_istat,
        eventKey: `application:${step.application_id}:step:${step.id}:due:${step.due_on}:${days.indexOf(step.due_on)}`,
        title: `${step.phase === 'attuazione' ? 'Traguardo' : 'Passo'} in scadenza ${when}: ${step.title}`,
        body: `Candidatura al bando «${step.call_title}».`,
        path: applicationPath(step.comune_istat, step.call_id),
        userIds: step.assignee_id ? [step.assignee_id] : step.followers,
      });
      told += people.length;
    }
    return told;
  });
}

export const applicationsWorker = (app: FastifyInstance) =>
  intervalWorker(app, 'applications', EVERY_MS, async () => void (await remindDueSteps(app, app.clock().now)));
