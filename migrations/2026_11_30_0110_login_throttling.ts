import { sql, type Kysely } from 'kysely';

// Login throttling slows attempts down instead of locking accounts (security issue 15).
// Clients an account signed in from are remembered by (e-mail hash, address), so an attack from
// elsewhere does not hold them back. users.failed_logins and users.locked_until were written but
// never read: the throttle counts login_failures by e-mail hash, for unknown e-mails alike.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_known_clients')
    .addColumn('email_hash', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('last_success_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('login_known_clients_pkey', ['email_hash', 'ip'])
    .execute();
  await db.schema.createIndex('login_known_clients_last_success_at_index').on('login_known_clients').column('last_success_at').execute();
  await db.schema.alterTable('users').dropColumn('failed_logins').dropColumn('locked_until').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .execute();
  await db.schema.dropTable('login_known_clients').execute();
}
