import { sql, type Kysely } from 'kysely';

// Every alert channel beyond the immediate e-mail: follows and mutes of single calls, saved searches,
// digests, secret feed URLs and webhooks; and the per-user notification log all of them read.
export async function up(db: Kysely<any>): Promise<void> {
  // The notification log feeds the in-app list (shown), the digests and the feeds.
  await db.schema
    .alterTable('notifications')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('published').check(sql`kind in ('published', 'changed', 'withdrawn', 'reminder', 'opened', 'search')`))
    .addColumn('shown', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
  await sql`drop index notifications_user_id_unread_index`.execute(db);
  await sql`create index notifications_user_id_unread_index on notifications (user_id, id desc) where read_at is null and shown`.execute(db);
  await db.schema.createIndex('notifications_user_id_created_at_index').on('notifications').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('notifications_call_id_index').on('notifications').column('call_id').execute();

  await db.schema
    .createTable('call_follows')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('follow', 'mute')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('call_follows_pkey', ['user_id', 'call_id'])
    .execute();
  await db.schema.createIndex('call_follows_call_id_index').on('call_follows').columns(['call_id', 'mode']).execute();

  await db.schema
    .createTable('saved_searches')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'jsonb', (c) => c.notNull())
    .addColumn('notify', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('saved_searches_user_id_name_key', ['user_id', 'name'])
    .execute();
  // Calls already announced for a saved search: each enters it once.
  await db.schema
    .createTable('saved_search_hits')
    .addColumn('saved_search_id', 'uuid', (c) => c.notNull().references('saved_searches.id').onDelete('cascade'))
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('saved_search_hits_pkey', ['saved_search_id', 'call_id'])
    .execute();

  // One row per digest sent (or found empty): the period is its idempotency key.
  await db.schema
    .createTable('alert_digests')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('covered_until', 'timestamptz', (c) => c.notNull())
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('alert_digests_pkey', ['user_id', 'period'])
    .execute();

  // Time-driven alerts (reminders, windows opening) remember up to when they have looked.
  await db.schema
    .createTable('alert_cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('until', 'timestamptz', (c) => c.notNull())
    .execute();

  // Secret feed URLs: the token is the credential, so it is random and can be rotated.
  await db.schema
    .createTable('feed_tokens')
    .addColumn('token', 'text', (c) => c.primaryKey())
    .addColumn('comune_istat', sql`char(6)`, (c) => c.unique().references('comuni.istat'))
    .addColumn('user_id', 'uuid', (c) => c.unique().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('feed_tokens_one_owner', sql`num_nonnulls(comune_istat, user_id) = 1`)
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('comune_istat', sql`char(6)`, (c) => c.references('comuni.istat'))
    .addColumn('aggregation_id', 'uuid', (c) => c.references('aggregations.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    // Signs every body (HMAC-SHA256); the receiver holds a copy, so it is kept, not hashed.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('webhooks_one_owner', sql`num_nonnulls(comune_istat, aggregation_id) = 1`)
    .execute();
  await db.schema.createIndex('webhooks_comune_istat_index').on('webhooks').column('comune_istat').execute();
  await db.schema.createIndex('webhooks_aggregation_id_index').on('webhooks').column('aggregation_id').execute();

  await sql`alter table alert_deliveries drop constraint alert_deliveries_channel_check`.execute(db);
  await sql`alter table alert_deliveries add constraint alert_deliveries_channel_check check (channel in ('email', 'webhook'))`.execute(db);
  await db.schema
    .alterTable('alert_deliveries')
    .addColumn('webhook_id', 'uuid', (c) => c.references('webhooks.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('published'))
    .execute();
  await db.schema.createIndex('alert_deliveries_webhook_id_index').on('alert_deliveries').columns(['webhook_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('alert_deliveries').dropColumn('webhook_id').dropColumn('kind').execute();
  await sql`alter table alert_deliveries drop constraint alert_deliveries_channel_check`.execute(db);
  await sql`alter table alert_deliveries add constraint alert_deliveries_channel_check check (channel in ('email'))`.execute(db);
  for (const table of ['webhooks', 'feed_tokens', 'alert_cursors', 'alert_digests', 'saved_search_hits', 'saved_searches', 'call_follows']) await db.schema.dropTable(table).execute();
  await db.schema.dropIndex('notifications_call_id_index').execute();
  await db.schema.dropIndex('notifications_user_id_created_at_index').execute();
  await sql`drop index notifications_user_id_unread_index`.execute(db);
  await db.schema.alterTable('notifications').dropColumn('kind').dropColumn('shown').execute();
  await sql`create index notifications_user_id_unread_index on notifications (user_id, id desc) where read_at is null`.execute(db);
}
