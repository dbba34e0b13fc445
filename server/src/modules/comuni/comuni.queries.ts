import { sql, type Kysely, type SqlBool, type Expression } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import type { SizeClass } from './comuni.schemas.ts';
import { pageRows } from '../../plugins/db/page-rows.ts';

type Db = Kysely<Database>;

/** The Region's size classes, derived from the legal population and never stored. */
export const sizeClassSql = sql<SizeClass | null>`case
  when legal_population is null then null
  when legal_population < 5000 then 'fino-5000'
  when legal_population <= 15000 then '5000-15000'
  else 'oltre-15000' end`;

export interface ComuneFilter {
  q?: string | undefined;
  region?: string | undefined;
  province?: string | undefined;
  sizeClass?: SizeClass | undefined;
  altitudeZone?: number | undefined;
  aggregation?: string | undefined;
  limit: number;
  offset: number;
}

export async function listComuni(db: Db, filter: ComuneFilter) {
  let query = db.selectFrom('comuni');
  if (filter.q) {
    const prefix = filter.q.replace(/[%_\\]/g, '\\$&');
    query = query.where('name_folded', 'like', sql<string>`lower(immutable_unaccent(${prefix})) || '%'`);
  }
  if (filter.region) query = query.where('region_code', '=', filter.region);
  if (filter.province) query = query.where('province_sigla', '=', filter.province.toUpperCase());
  if (filter.altitudeZone) query = query.where('altitude_zone', '=', filter.altitudeZone);
  if (filter.sizeClass) query = query.where(sql<SqlBool>`${sizeClassSql} = ${filter.sizeClass}` as Expression<SqlBool>);
  if (filter.aggregation) {
    const aggregation = filter.aggregation;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('aggregation_members as am')
          .select('am.comune_istat')
          .whereRef('am.comune_istat', '=', 'comuni.istat')
          .where('am.aggregation_id', '=', aggregation)
          .where('am.left_on', 'is', null),
      ),
    );
  }
  return pageRows(
    query,
    (q) =>
      q
        .select(['istat', 'name', 'province_sigla', 'region_code', 'legal_population', sizeClassSql.as('size_class')])
        .orderBy('name_folded')
        .orderBy('istat'),
    filter,
  );
}
