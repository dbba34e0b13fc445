import { sql, type Kysely } from 'kysely';

// Each comune's pipeline per call, from "interessato" to the money arriving: the application, its
// history, its internal steps and post-award milestones, notes with revisions, followers. Beside the
// RTD, comune staff (`staff`) and read-only colleagues (`lettura`) get roles scoped to their comuni.
const ROLES = sql`('rtd', 'editor', 'admin', 'viewer', 'staff', 'lettura')`;
const OLD_ROLES = sql`('rtd', 'editor', 'admin', 'viewer')`;
const ALERT_KINDS = sql`('published', 'changed', 'withdrawn', 'reminder', 'opened', 'search', 'application')`;
const OLD_ALERT_KINDS = sql`('published', 'changed', 'withdrawn', 'reminder', 'opened', 'search')`;

async function setChecks(db: Kysely<any>, roles: typeof ROLES, kinds: typeof ALERT_KINDS) {
  for (const table of ['users', 'invitations', 'api_tokens']) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(`${table}_role_check`)}`.execute(db);
    await sql`alter table ${sql.table(table)} add constraint ${sql.ref(`${table}_role_check`)} check (role in ${roles})`.execute(db);
  }
  for (const table of ['notifications']) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(`${table}_kind_check`)}`.execute(db);
    await sql`alter table ${sql.table(table)} add constraint ${sql.ref(`${table}_kind_check`)} check (kind in ${kinds})`.execute(db);
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await setChecks(db, ROLES, ALERT_KINDS);

  await db.schema
    .createTable('applications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('comune_istat', 'char(6)', (c) => c.notNull().references('comuni.istat'))
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('interessato', 'in_preparazione', 'presentata', 'finanziata', 'non_finanziata', 'rinunciata', 'non_pertinente')`),
    )
    .addColumn('reason', 'text', (c) =>
      c.check(sql`reason in ('no_cofinanziamento', 'scadenza_vicina', 'gia_coperto', 'mancanza_personale', 'non_prioritario', 'altro')`),
    )
    .addColumn('reason_text', 'text')
    .addColumn('amount_requested', sql`numeric(14, 2)`, (c) => c.check(sql`amount_requested >= 0`))
    .addColumn('cup', 'text')
    .addColumn('protocol_number', 'text')
    .addColumn('protocol_date', 'date')
    .addColumn('status_source', 'text', (c) =>
      c
        .notNull()
        .defaultTo('manuale')
        .check(sql`status_source in ('manuale', 'importazione')`),
    )
    .addColumn('status_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('funding_award_id', 'uuid', (c) => c.references('funding_awards.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('applications_comune_istat_call_id_key', ['comune_istat', 'call_id'])
    .addCheckConstraint('applications_reason_check_status', sql`(status = 'non_pertinente') = (reason is not null)`)
    .addCheckConstraint('applications_reason_text_check', sql`reason <> 'altro' or length(trim(reason_text)) > 0`)
    .execute();
  await db.schema.createIndex('applications_call_id_status_index').on('applications').columns(['call_id', 'status']).execute();
  await db.schema.createIndex('applications_cup_index').on('applications').columns(['comune_istat', 'cup']).where(sql.ref('cup'), 'is not', null).execute();

  await db.schema
    .createTable('application_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('application_id', 'uuid', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('comune_istat', 'char(6)', (c) => c.notNull())
    .addColumn('actor_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('changes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('application_events_application_id_index').on('application_events').columns(['application_id', 'id']).execute();
  await db.schema.createIndex('application_events_comune_istat_index').on('application_events').columns(['comune_istat', 'id']).execute();

  await db.schema
    .createTable('application_steps')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('application_id', 'uuid', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('phase', 'text', (c) => c.notNull().check(sql`phase in ('preparazione', 'attuazione')`))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) between 1 and 200`))
    .addColumn('due_on', 'date')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('assignee_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('done_at', 'timestamptz')
    .addColumn('done_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('application_steps_application_id_index').on('application_steps').columns(['application_id', 'position']).execute();
  await db.schema.createIndex('application_steps_due_on_index').on('application_steps').column('due_on').where(sql.ref('done_at'), 'is', null).execute();

  await db.schema
    .createTable('application_notes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('application_id', 'uuid', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('author_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) between 1 and 5000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('application_notes_application_id_index').on('application_notes').columns(['application_id', 'created_at']).execute();
  await db.schema
    .createTable('application_note_revisions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('note_id', 'uuid', (c) => c.notNull().references('application_notes.id').onDelete('cascade'))
    .addColumn('previous_body', 'text', (c) => c.notNull())
    .addColumn('edited_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('edited_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('application_note_revisions_note_id_index').on('application_note_revisions').column('note_id').execute();

  await db.schema
    .createTable('application_followers')
    .addColumn('application_id', 'uuid', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('application_followers_pkey', ['application_id', 'user_id'])
    .execute();
  await db.schema.createIndex('application_followers_user_id_index').on('application_followers').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['application_followers', 'application_note_revisions', 'application_notes', 'application_steps', 'application_events', 'applications'])
    await db.schema.dropTable(table).execute();
  await sql`delete from notifications where kind = 'application'`.execute(db);
  await sql`delete from alert_deliveries where kind = 'application'`.execute(db);
  await setChecks(db, OLD_ROLES, OLD_ALERT_KINDS);
}
