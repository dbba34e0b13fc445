import { sql, type Kysely } from 'kysely';

// A change to a published call waits here, unseen by the public, until a second editor approves it
// and it is published over the live version (the calls row stays what comuni see meanwhile).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('call_revisions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft', 'in_review', 'approved', 'published', 'discarded')`))
    // The proposed content, in the API's CallInput shape.
    .addColumn('content', 'jsonb', (c) => c.notNull())
    // The live content when the proposal was last written: fields the proposal left as they were
    // take the live value at publication, so a trusted source's later update is not undone.
    .addColumn('base', 'jsonb', (c) => c.notNull())
    // Editors who wrote any of it: none of them may approve it.
    .addColumn('authors', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('source', 'text')
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('submitted_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('approved_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('closed_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .addCheckConstraint('call_revisions_closed_check', sql`(status in ('published', 'discarded')) = (closed_at is not null)`)
    .execute();
  // At most one pending revision per call.
  await sql`create unique index call_revisions_call_id_index on call_revisions (call_id) where closed_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('call_revisions').execute();
}
