import { sql, type Kysely } from 'kysely';

// Which process runs an ingestion, so that a run its process left behind (a crash, a kill) can be
// told apart from one still going, and closed as failed instead of staying `running` for ever.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('ingest_runs')
    .addColumn('runner_host', 'text')
    .addColumn('runner_pid', 'integer')
    // One per process start: a restarted process may get the same pid (always so in a container).
    .addColumn('runner_id', 'uuid')
    .execute();
  await sql`create index ingest_runs_started_at_index on ingest_runs (started_at) where status = 'running'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index ingest_runs_started_at_index`.execute(db);
  await db.schema.alterTable('ingest_runs').dropColumn('runner_host').dropColumn('runner_pid').dropColumn('runner_id').execute();
}
