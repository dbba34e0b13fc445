import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One row per comune and call: eligibility, score with its components, reasons and amount.
  await db.schema
    .createTable('matches')
    .addColumn('comune_istat', 'char(6)', (c) => c.notNull().references('comuni.istat').onDelete('cascade'))
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('eligible', 'eligible_via_aggregation', 'not_eligible')`))
    .addColumn('score', 'smallint', (c) => c.notNull().check(sql`score between 0 and 100`))
    .addColumn('components', 'jsonb', (c) => c.notNull())
    .addColumn('checks', 'jsonb', (c) => c.notNull())
    .addColumn('reasons', 'jsonb', (c) => c.notNull())
    .addColumn('amount_min', 'numeric(16, 2)')
    .addColumn('amount_max', 'numeric(16, 2)')
    .addColumn('amount_basis', 'text')
    .addColumn('call_version', 'integer', (c) => c.notNull())
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('matches_pkey', ['comune_istat', 'call_id'])
    .execute();
  await db.schema.createIndex('matches_call_id_index').on('matches').column('call_id').execute();
  await db.schema.createIndex('matches_comune_istat_score_index').on('matches').columns(['comune_istat', 'score']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('matches').execute();
}
