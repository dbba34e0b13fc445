import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { callsView, isDemoSql } from '../calls/index.ts';

/** The public catalogue as open data: published calls, not merged, demonstration calls left out. */
export function publishedCalls(db: Kysely<Database>) {
  return db
    .selectFrom(callsView.as('c'))
    .select([
      'c.id',
      'c.title',
      'c.issuer',
      'c.programme_kind',
      'c.measure_code',
      'c.procedure',
      'c.total_budget',
      'c.amount_max',
      'c.opens_at',
      'c.closes_at',
      'c.published_at',
      'c.updated_at',
    ])
    .where('c.editorial_status', '=', 'published')
    .where('c.merged_into', 'is', null)
    .where(isDemoSql, '=', false)
    .orderBy('c.published_at', 'desc')
    .orderBy('c.id')
    .execute();
}
