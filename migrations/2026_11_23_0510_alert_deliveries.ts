import { sql, type Kysely } from 'kysely';

// Every message to send (e-mail now; webhooks later) with its own idempotency key: written in the
// same transaction as the alert that causes it, sent by the delivery worker, retried with backoff,
// and given up as "dead" after the last attempt, visible to admins with the reason.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('alert_deliveries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('call_id', 'uuid', (c) => c.references('calls.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email')`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued').check(sql`status in ('queued', 'sent', 'dead')`))
    .addColumn('message', 'jsonb', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await sql`create index alert_deliveries_queued_index on alert_deliveries (next_attempt_at, id) where status = 'queued'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('alert_deliveries').execute();
}
