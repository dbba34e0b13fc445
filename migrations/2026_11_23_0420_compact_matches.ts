import { sql, type Kysely } from 'kysely';

// A full rematch writes millions of rows: keep each one small and cheap to insert.
// - The eligibility checklist (the bulk of a row, read only by the detail page) is computed on demand.
// - Only comuni that can use a call are stored (the application deletes the others; the detail
//   endpoint explains them), so the verdict check loses its third value.
// - Comuni are never deleted (they get valid_to), so the foreign key to them only cost a lookup per
//   row; the (comune, score) index gave nothing the primary key's (comune, call) prefix does not.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`delete from matches where verdict = 'not_eligible'`.execute(db);
  await db.schema.alterTable('matches').dropColumn('checks').execute();
  await db.schema.alterTable('matches').dropConstraint('matches_comune_istat_fkey').execute();
  await db.schema.dropIndex('matches_comune_istat_score_index').execute();
  await db.schema.alterTable('matches').dropConstraint('matches_verdict_check').execute();
  await db.schema.alterTable('matches').addCheckConstraint('matches_verdict_check', sql`verdict in ('eligible', 'eligible_via_aggregation')`).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('matches').dropConstraint('matches_verdict_check').execute();
  await db.schema.alterTable('matches').addCheckConstraint('matches_verdict_check', sql`verdict in ('eligible', 'eligible_via_aggregation', 'not_eligible')`).execute();
  await db.schema.createIndex('matches_comune_istat_score_index').on('matches').columns(['comune_istat', 'score']).execute();
  await db.schema.alterTable('matches').addForeignKeyConstraint('matches_comune_istat_fkey', ['comune_istat'], 'comuni', ['istat']).onDelete('cascade').execute();
  await db.schema.alterTable('matches').addColumn('checks', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`)).execute();
}
