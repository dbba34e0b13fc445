import { sql, type Kysely } from 'kysely';
import type { AggregationKind, Database } from '../../plugins/db/schema.ts';
import { pageRows } from '../../plugins/db/page-rows.ts';

type Db = Kysely<Database>;
const CURRENT = sql<boolean>`am.joined_on <= current_date and (am.left_on is null or am.left_on > current_date)`;

export async function listAggregations(db: Db, filter: { kind?: string | undefined; comune?: string | undefined; limit: number; offset: number }) {
  let query = db.selectFrom('aggregations as a');
  if (filter.kind) query = query.where('a.kind', '=', filter.kind as AggregationKind);
  if (filter.comune) {
    const comune = filter.comune;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('aggregation_members as am')
          .select('am.comune_istat')
          .whereRef('am.aggregation_id', '=', 'a.id')
          .where('am.comune_istat', '=', comune)
          .where(CURRENT),
      ),
    );
  }
  return pageRows(
    query,
    (q) =>
      q
        .selectAll('a')
        .select(sql<number>`(select count(*) from aggregation_members am where am.aggregation_id = a.id and ${CURRENT})`.as('current_members'))
        .orderBy('a.name')
        .orderBy('a.id'),
    filter,
  );
}

export async function findAggregation(db: Db, id: string) {
  const aggregation = await db.selectFrom('aggregations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!aggregation) return undefined;
  const members = await db
    .selectFrom('aggregation_members as am')
    .innerJoin('comuni as c', 'c.istat', 'am.comune_istat')
    .select(['am.comune_istat as istat', 'c.name', 'am.joined_on', 'am.left_on'])
    .where('am.aggregation_id', '=', id)
    .orderBy('c.name_folded')
    .orderBy('am.joined_on')
    .execute();
  return { ...aggregation, members };
}

export type AggregationRow = NonNullable<Awaited<ReturnType<typeof findAggregation>>>;

export const toAggregation = (row: AggregationRow) => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  codiceFiscale: row.codice_fiscale,
  members: row.members.map((m) => ({ istat: m.istat, name: m.name, joinedOn: m.joined_on, leftOn: m.left_on })),
});
