import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { sizeClassSql } from './comuni.queries.ts';

type Db = Kysely<Database>;

export interface ComuneAggregation {
  id: string;
  name: string;
  kind: string;
  joinedOn: string;
}

export interface ProgrammingSummary {
  items: number;
  byStatus: { planned: number; inProgress: number; done: number; dropped: number };
  byFundingStatus: { unfunded: number; partlyFunded: number; funded: number };
  estimatedCost: number;
  unfundedCost: number;
}

export interface FundingSummary {
  awards: number;
  /** Funds obtained: assigned or paid, not renounced. */
  amount: number;
  renounced: number;
  lastFundedOn: string | null;
  byMeasure: { measureCode: string; measureName: string | null; awards: number; amount: number }[];
}

/**
 * The whole public profile of a comune in one round trip: registry, aggregations, interests,
 * contacts and the summaries of its programming and funding history.
 */
export async function findComuneProfile(db: Db, istat: string) {
  return db
    .selectFrom('comuni')
    .selectAll()
    .select(sizeClassSql.as('size_class'))
    .select(
      sql<ComuneAggregation[]>`coalesce((
        select json_agg(json_build_object('id', a.id, 'name', a.name, 'kind', a.kind, 'joinedOn', am.joined_on) order by a.name)
          from current_aggregation_members am join aggregations a on a.id = am.aggregation_id
         where am.comune_istat = comuni.istat
      ), '[]'::json)`.as('aggregations'),
    )
    .select(
      sql<{ code: string; label: string }[]>`coalesce((
        select json_agg(json_build_object('code', t.code, 'label', t.label) order by t.sort_order, t.code)
          from comune_interests ci join themes t on t.code = ci.theme_code
         where ci.comune_istat = comuni.istat
      ), '[]'::json)`.as('interests'),
    )
    .select(
      sql<{ name: string; role: string; email: string | null; phone: string | null }[]>`coalesce((
        select json_agg(json_build_object('name', cc.name, 'role', cc.role, 'email', cc.email, 'phone', cc.phone) order by cc.position, cc.name)
          from comune_contacts cc where cc.comune_istat = comuni.istat
      ), '[]'::json)`.as('contacts'),
    )
    .select(
      sql<ProgrammingSummary>`(
        select json_build_object(
          'items', count(*),
          'byStatus', json_build_object(
            'planned', count(*) filter (where status = 'planned'), 'inProgress', count(*) filter (where status = 'in_progress'),
            'done', count(*) filter (where status = 'done'), 'dropped', count(*) filter (where status = 'dropped')),
          'byFundingStatus', json_build_object(
            'unfunded', count(*) filter (where funding_status = 'unfunded'), 'partlyFunded', count(*) filter (where funding_status = 'partly_funded'),
            'funded', count(*) filter (where funding_status = 'funded')),
          'estimatedCost', coalesce(sum(estimated_cost) filter (where status <> 'dropped'), 0),
          'unfundedCost', coalesce(sum(estimated_cost) filter (where status <> 'dropped' and funding_status = 'unfunded'), 0))
          from programming_items where comune_istat = comuni.istat
      )`.as('programming'),
    )
    .select(
      sql<FundingSummary>`(
        select json_build_object(
          'awards', coalesce(sum(m.awards), 0),
          'amount', coalesce(sum(m.amount), 0),
          'renounced', coalesce(sum(m.renounced), 0),
          'lastFundedOn', max(m.last_funded_on),
          'byMeasure', coalesce(json_agg(json_build_object('measureCode', m.measure_code, 'measureName', m.measure_name, 'awards', m.awards, 'amount', m.amount) order by m.measure_code) filter (where m.measure_code is not null), '[]'::json))
          from (
            select measure_code, max(measure_name) as measure_name, count(*) as awards, max(funded_on) as last_funded_on,
                   coalesce(sum(amount) filter (where status <> 'rinuncia'), 0) as amount, count(*) filter (where status = 'rinuncia') as renounced
              from funding_awards where comune_istat = comuni.istat group by measure_code
          ) m
      )`.as('funding'),
    )
    .where('istat', '=', istat)
    .executeTakeFirst();
}

export type ComuneProfileRow = NonNullable<Awaited<ReturnType<typeof findComuneProfile>>>;
