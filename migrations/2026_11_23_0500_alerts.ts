import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One row per user who changed the defaults; no row means the defaults (own comuni, weekly digest, in-app).
  await db.schema
    .createTable('alert_subscriptions')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    // Null: the comuni the user serves, as memberships say on the day the alert is sent.
    .addColumn('comuni', sql`char(6)[]`)
    .addColumn('email', 'text', (c) => c.notNull().defaultTo('weekly').check(sql`email in ('immediate', 'daily', 'weekly', 'off')`))
    .addColumn('in_app', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('themes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('programmes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('min_score', 'smallint', (c) => c.notNull().defaultTo(0).check(sql`min_score between 0 and 100`))
    .addColumn('eligible_only', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('reminder_days', sql`smallint[]`, (c) => c.notNull().defaultTo(sql`'{14,7,2}'`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // In-app notifications; (user, call, event) is the idempotency key: a retry or a restart adds nothing.
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('comune_istat', sql`char(6)`)
    .addColumn('event_key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    .addUniqueConstraint('notifications_user_id_call_id_event_key_key', ['user_id', 'call_id', 'event_key'])
    .execute();
  await sql`create index notifications_user_id_unread_index on notifications (user_id, id desc) where read_at is null`.execute(db);
  await db.schema.createIndex('notifications_user_id_id_index').on('notifications').columns(['user_id', 'id']).execute();

  // Alerts read call events after matching has stored the call's matches (processed_at), once each.
  await db.schema.alterTable('call_events').addColumn('alerted_at', 'timestamptz').execute();
  // Events from before alerts existed were news then, not now.
  await sql`update call_events set alerted_at = now() where processed_at is not null`.execute(db);
  await sql`create index call_events_unalerted_index on call_events (id) where alerted_at is null and processed_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('call_events').dropColumn('alerted_at').execute();
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropTable('alert_subscriptions').execute();
}
