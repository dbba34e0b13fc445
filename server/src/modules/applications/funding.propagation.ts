import { sql } from 'kysely';
import type { ApplicationStatus } from '../../plugins/db/schema.ts';
import type { AwardRecord } from '../comuni/index.ts';
import { callsView } from '../calls/index.ts';
import { recordEvent, type Trx } from './applications.queries.ts';
import { PROGRESS, STATUS_LABELS } from './applications.rules.ts';
import type { AlertOptions } from '../alerts/index.ts';
import { addMilestones, applicationPath, followerIds, workContext } from './applications.service.ts';

const progressSql = (column: string) =>
  sql<number>`case ${sql.ref(column)} ${sql.join(
    Object.entries(PROGRESS).map(([status, n]) => sql`when ${status} then ${n}`),
    sql` `,
  )} end`;

interface Moved {
  id: string;
  comune_istat: string;
  call_id: string;
  call_title: string;
  old_status: ApplicationStatus;
  status: ApplicationStatus;
  decree_on: string | null;
}

/**
 * Moves applications forward from the funding history: an award with the comune and the CUP of an
 * application (and the call's measure, when the call names one) makes it `finanziata`, or
 * `rinunciata` for state R. Never backwards; an outcome set by hand (not funded, renounced, funded,
 * not pertinent) after the award's date wins, while the stages before an outcome simply move on.
 */
export async function propagateAwards(trx: Trx, records: readonly AwardRecord[], now: Date, options: AlertOptions) {
  const cups = [...new Set(records.map((r) => r.cup).filter((cup): cup is string => cup !== null))];
  if (cups.length === 0) return 0;
  const { rows } = await sql<Moved>`
    with awards as (
      select distinct on (f.comune_istat, f.cup) f.id, f.comune_istat, f.cup, f.measure_code, f.funded_on,
             case f.status when 'rinuncia' then 'rinunciata' else 'finanziata' end as new_status,
             coalesce(f.status_on, f.funded_on) as status_day
        from applications x
        join funding_awards f on f.comune_istat = x.comune_istat and f.cup = x.cup
       where x.cup is not null and x.cup = any(${cups}::text[])
       order by f.comune_istat, f.cup, f.status_on desc nulls last, f.snapshot_date desc nulls last
    ), target as (
      select a.id, a.status as old_status, aw.new_status, aw.id as award_id, aw.funded_on, c.title as call_title
        from applications a
        join awards aw on aw.comune_istat = a.comune_istat and aw.cup = a.cup
        join ${callsView} c on c.id = a.call_id
       where (c.measure_code is null or c.measure_code = aw.measure_code)
         and ${progressSql('aw.new_status')} > ${progressSql('a.status')}
         and not (a.status_source = 'manuale' and a.status not in ('interessato', 'in_preparazione', 'presentata')
                  and aw.status_day is not null and a.status_changed_at::date > aw.status_day)
    )
    update applications a
       set status = t.new_status, status_source = 'importazione', status_changed_at = now(), funding_award_id = t.award_id, updated_at = now()
      from target t
     where a.id = t.id
    returning a.id, a.comune_istat, a.call_id, t.call_title, t.old_status, a.status, t.funded_on::text as decree_on
  `.execute(trx);
  const ctx = workContext(trx, null, now, options);
  for (const moved of rows) {
    await recordEvent(trx, {
      applicationId: moved.id,
      istat: moved.comune_istat,
      actorId: null,
      action: 'imported',
      changes: { status: { from: moved.old_status, to: moved.status } },
    });
    if (moved.status === 'finanziata') await addMilestones(ctx, moved, moved.decree_on ? new Date(`${moved.decree_on}T12:00:00Z`) : ctx.now);
    await ctx.notify({
      callId: moved.call_id,
      comuneIstat: moved.comune_istat,
      eventKey: `application:${moved.id}:imported:${moved.status}`,
      title: `Candidatura ${STATUS_LABELS[moved.status].toLowerCase()}: ${moved.call_title}`,
      body: `Lo storico dei finanziamenti di PA digitale 2026 riporta la candidatura come «${STATUS_LABELS[moved.status]}».`,
      path: applicationPath(moved.comune_istat, moved.call_id),
      userIds: await followerIds(trx, moved.id, null),
    });
  }
  return rows.length;
}
