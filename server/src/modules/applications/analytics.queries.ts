import { sql } from 'kysely';
import type { Db } from '../../plugins/db/database.ts';
import type { NotApplyingReason } from '../../plugins/db/schema.ts';
import { callsView } from '../calls/index.ts';
import { sizeClassSql } from '../comuni/index.ts';
import { APPLIED, REASON_LABELS } from './applications.rules.ts';

interface FunnelRow {
  call_id: string;
  title: string;
  matched: number;
  interested: number;
  applied: number;
  funded: number;
  not_applying: number;
}

/**
 * What ANCI and the Regione learn: per call, how many comuni matched, took an interest, applied, were
 * funded or said no, and why not by province and size class. Counts only: no comune, no note.
 */
export async function applicationAnalytics(db: Db, callId?: string) {
  const onlyCall = callId ? sql`and c.id = ${callId}` : sql``;
  const { rows: calls } = await sql<FunnelRow>`
    select c.id as call_id, c.title,
           (select count(*) from matches m where m.call_id = c.id)::int as matched,
           count(a.id) filter (where a.status <> 'non_pertinente')::int as interested,
           count(a.id) filter (where a.status = any(${[...APPLIED]}::text[]))::int as applied,
           count(a.id) filter (where a.status = 'finanziata')::int as funded,
           count(a.id) filter (where a.status = 'non_pertinente')::int as not_applying
      from ${callsView} c
      left join applications a on a.call_id = c.id
     where c.editorial_status = 'published' ${onlyCall}
       and (exists (select 1 from matches m where m.call_id = c.id) or exists (select 1 from applications x where x.call_id = c.id))
     group by c.id, c.title
     order by c.title
  `.execute(db);
  const onlyApplications = callId ? sql`and a.call_id = ${callId}` : sql``;
  const { rows: reasons } = await sql<{ reason: NotApplyingReason; province: string; size_class: string | null; count: number }>`
    select a.reason, co.province_sigla as province, ${sizeClassSql} as size_class, count(*)::int as count
      from applications a
      join comuni co on co.istat = a.comune_istat
     where a.status = 'non_pertinente' ${onlyApplications}
     group by 1, 2, 3
     order by count(*) desc, 1, 2
  `.execute(db);
  const sum = (key: keyof Omit<FunnelRow, 'call_id' | 'title'>) => calls.reduce((n, c) => n + c[key], 0);
  return {
    total: { matched: sum('matched'), interested: sum('interested'), applied: sum('applied'), funded: sum('funded'), notApplying: sum('not_applying') },
    calls: calls.map((c) => ({
      callId: c.call_id,
      title: c.title,
      matched: c.matched,
      interested: c.interested,
      applied: c.applied,
      funded: c.funded,
      notApplying: c.not_applying,
    })),
    reasons: reasons.map((r) => ({ reason: r.reason, label: REASON_LABELS[r.reason], province: r.province, sizeClass: r.size_class, count: r.count })),
  };
}
export type ApplicationAnalytics = Awaited<ReturnType<typeof applicationAnalytics>>;
