import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { callsView } from '../calls/index.ts';
import { sizeClassSql } from '../comuni/index.ts';
import { usableCallSql } from '../matching/index.ts';

export const LOMBARDIA = '03';

/** The figures of one comune that the map colours and its table lists. */
export interface ComuneFigures {
  istat: string;
  name: string;
  province: string;
  /** Not sent with the comuni (their province's summary names it once). */
  provinceName: string;
  sizeClass: string | null;
  population: number | null;
  openCalls: number;
  /** Sum of the largest estimated amounts of the open calls it can use, euros. */
  availableAmount: number;
  /** PNRR funds obtained (assigned or paid, not renounced), euros. */
  fundsObtained: number;
  unfundedItems: number;
  unfundedCost: number;
  hasUsers: boolean;
}

/** Planned or running interventions of a comune's programming that no funding covers yet. */
export const UNFUNDED_ITEM = sql`p.status in ('planned', 'in_progress') and p.funding_status = 'unfunded'`;

/**
 * Every current comune of the region with the figures of each map layer, in one query. A comune has
 * users when an active user belongs to it, directly or through an aggregation it is a member of.
 */
export async function comuniFigures(db: Kysely<Database>, now: Date, region = LOMBARDIA): Promise<ComuneFigures[]> {
  const { rows } = await sql<ComuneFigures>`
    with open_matches as (
      select m.comune_istat, count(*)::int as open_calls, coalesce(sum(m.amount_max), 0)::float8 as amount
        from matches m join ${callsView} k on k.id = m.call_id
       where ${usableCallSql('k', now)}
       group by m.comune_istat
    ), awards as (
      select comune_istat, coalesce(sum(amount) filter (where status <> 'rinuncia'), 0)::float8 as amount
        from funding_awards group by comune_istat
    ), needs as (
      select p.comune_istat, count(*)::int as items, coalesce(sum(p.estimated_cost), 0)::float8 as cost
        from programming_items p where ${UNFUNDED_ITEM} group by p.comune_istat
    ), with_users as (
      select coalesce(ms.comune_istat, am.comune_istat) as istat
        from memberships ms join users u on u.id = ms.user_id and u.status = 'active'
        left join aggregation_members am on am.aggregation_id = ms.aggregation_id and am.left_on is null
    )
    select c.istat, c.name, c.province_sigla as province, c.province_name as "provinceName", ${sizeClassSql} as "sizeClass", c.legal_population as population,
           coalesce(o.open_calls, 0) as "openCalls", coalesce(o.amount, 0) as "availableAmount",
           coalesce(a.amount, 0) as "fundsObtained", coalesce(n.items, 0) as "unfundedItems", coalesce(n.cost, 0) as "unfundedCost",
           exists (select 1 from with_users w where w.istat = c.istat) as "hasUsers"
      from comuni c
      left join open_matches o on o.comune_istat = c.istat
      left join awards a on a.comune_istat = c.istat
      left join needs n on n.comune_istat = c.istat
     where c.valid_to is null and c.region_code = ${region}
     order by c.istat`.execute(db);
  return rows;
}

export interface MeasureFunding {
  measureCode: string;
  measureName: string | null;
  province: string;
  sizeClass: string | null;
  comuni: number;
  amount: number;
}

/** Funds obtained by measure, province and size class: how many comuni obtained each, and how much. */
export async function fundingByMeasure(db: Kysely<Database>, region = LOMBARDIA): Promise<MeasureFunding[]> {
  const { rows } = await sql<MeasureFunding>`
    select f.measure_code as "measureCode", max(f.measure_name) as "measureName", c.province_sigla as province, ${sizeClassSql} as "sizeClass",
           count(distinct f.comune_istat)::int as comuni, coalesce(sum(f.amount), 0)::float8 as amount
      from funding_awards f join comuni c on c.istat = f.comune_istat
     where f.status <> 'rinuncia' and c.valid_to is null and c.region_code = ${region}
     group by f.measure_code, c.province_sigla, ${sizeClassSql}
     order by f.measure_code, c.province_sigla`.execute(db);
  return rows;
}
