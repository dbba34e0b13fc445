import type { Kysely, Selectable } from 'kysely';
import type { Database, FundingAwardsTable, FundingStatus } from '../../plugins/db/schema.ts';
import { pageRows } from '../../plugins/db/page-rows.ts';

export interface FundingFilter {
  measure?: string | undefined;
  status?: string | undefined;
  limit: number;
  offset: number;
}

export async function listFundingAwards(db: Kysely<Database>, istat: string, filter: FundingFilter) {
  let query = db.selectFrom('funding_awards').where('comune_istat', '=', istat);
  if (filter.measure) query = query.where('measure_code', '=', filter.measure);
  if (filter.status) query = query.where('status', '=', filter.status as FundingStatus);
  return pageRows(query, (q) => q.selectAll().orderBy('funded_on', 'desc').orderBy('avviso').orderBy('id'), filter);
}

export const toFundingAward = (row: Selectable<FundingAwardsTable>) => ({
  id: row.id,
  avviso: row.avviso,
  measureCode: row.measure_code,
  measureName: row.measure_name,
  window: row.window_number,
  amount: row.amount,
  appliedAt: row.applied_at?.toISOString() ?? null,
  fundedOn: row.funded_on,
  cup: row.cup,
  status: row.status,
  statusOn: row.status_on,
});
