import { sql, type Kysely } from 'kysely';

// "Password dimenticata?": single-use links like invitations (only the token's hash is kept, one hour
// of life), and the requests by e-mail hash and address, throttled alike for unknown e-mails.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('password_resets')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('password_resets_user_id_index').on('password_resets').column('user_id').execute();
  await db.schema
    .createTable('password_reset_requests')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('email_hash', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('password_reset_requests_email_hash_at_index').on('password_reset_requests').columns(['email_hash', 'at']).execute();
  await db.schema.createIndex('password_reset_requests_ip_at_index').on('password_reset_requests').columns(['ip', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('password_reset_requests').execute();
  await db.schema.dropTable('password_resets').execute();
}
