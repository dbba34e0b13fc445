import { sql, type Kysely } from 'kysely';

// The programme's indicators (DGR 5269/2021): their targets, editable by admins, and the counts the
// Cruscotto keeps itself. Counts are per day and per subject (a call, a search text), never per person:
// no user, address, cookie or agent is stored with them.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('indicator_targets')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('target', 'integer', (c) => c.notNull().check(sql`target >= 0`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db
    .insertInto('indicator_targets')
    .values([
      { key: 'registeredUsers', target: 250 },
      { key: 'administrations', target: 100 },
      { key: 'callPageViews', target: 500 },
    ])
    .execute();

  await db.schema
    .createTable('usage_counts')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('call_view', 'alert_click', 'search_empty')`))
    .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('usage_counts_pkey', ['day', 'kind', 'subject'])
    .execute();

  await db.schema
    .createTable('feedback_answers')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('useful', 'boolean', (c) => c.notNull())
    .addColumn('comment', 'text')
    .execute();
  await db.schema.createIndex('feedback_answers_day_index').on('feedback_answers').column('day').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['feedback_answers', 'usage_counts', 'indicator_targets']) await db.schema.dropTable(table).execute();
}
