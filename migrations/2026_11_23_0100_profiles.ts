import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Funded applications of each comune (PA digitale 2026 open data): what it already obtained.
  await db.schema
      .createTable('funding_awards')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('comune_istat', 'char(6)', (c) => c.notNull().references('comuni.istat'))
      .addColumn('source', 'text', (c) => c.notNull())
      // The CUP in capitals when the row has one (snapshots spell it in either case), else avviso window and protocol.
      .addColumn('application_key', 'text', (c) => c.notNull())
      .addColumn('avviso', 'text', (c) => c.notNull())
      .addColumn('measure_code', 'text', (c) => c.notNull())
      .addColumn('measure_name', 'text')
      .addColumn('window_number', 'smallint', (c) => c.check(sql`window_number > 0`))
      .addColumn('amount', 'numeric(14, 2)', (c) => c.notNull().check(sql`amount >= 0`))
      .addColumn('applied_at', 'timestamptz')
      .addColumn('funded_on', 'date')
      .addColumn('cup', 'text')
      .addColumn('protocol', 'text')
      .addColumn('decree', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('assegnato', 'erogato', 'rinuncia')`))
      .addColumn('status_on', 'date')
      .addColumn('source_file', 'text')
      .addColumn('snapshot_date', 'date')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('funding_awards_comune_istat_avviso_application_key_key', ['comune_istat', 'avviso', 'application_key'])
    .execute();
  await db.schema.createIndex('funding_awards_measure_code_index').on('funding_awards').column('measure_code').execute();

  // The comune's three-year ICT plan.
  await db.schema
      .createTable('programming_items')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('comune_istat', 'char(6)', (c) => c.notNull().references('comuni.istat'))
      .addColumn('code', 'text', (c) => c.check(sql`length(code) between 1 and 40`))
      .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) between 1 and 300`))
      .addColumn('description', 'text')
      .addColumn('start_year', 'smallint', (c) => c.notNull().check(sql`start_year between 2000 and 2100`))
      .addColumn('end_year', 'smallint', (c) => c.notNull().check(sql`end_year between 2000 and 2100`))
      .addColumn('estimated_cost', 'numeric(14, 2)', (c) => c.check(sql`estimated_cost >= 0`))
      .addColumn('priority', 'text', (c) => c.notNull().defaultTo('medium').check(sql`priority in ('high', 'medium', 'low')`))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('planned').check(sql`status in ('planned', 'in_progress', 'done', 'dropped')`))
      .addColumn('funding_status', 'text', (c) => c.notNull().defaultTo('unfunded').check(sql`funding_status in ('unfunded', 'partly_funded', 'funded')`))
      .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('updated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('programming_items_years_check', sql`end_year >= start_year`)
    .addUniqueConstraint('programming_items_comune_istat_code_key', ['comune_istat', 'code'])
    .execute();
  await db.schema
    .createTable('programming_item_themes')
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('programming_items.id').onDelete('cascade'))
    .addColumn('theme_code', 'text', (c) => c.notNull().references('themes.code').onDelete('restrict').onUpdate('cascade'))
    .addPrimaryKeyConstraint('programming_item_themes_pkey', ['item_id', 'theme_code'])
    .execute();
  await db.schema.createIndex('programming_item_themes_theme_code_index').on('programming_item_themes').column('theme_code').execute();
  await db.schema
    .createTable('programming_item_fundings')
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('programming_items.id').onDelete('cascade'))
    .addColumn('funding_award_id', 'uuid', (c) => c.notNull().references('funding_awards.id').onDelete('restrict'))
    .addPrimaryKeyConstraint('programming_item_fundings_pkey', ['item_id', 'funding_award_id'])
    .execute();

  // Profile extras kept by the comune's RTD.
  await db.schema
    .createTable('comune_profiles')
    .addColumn('comune_istat', 'char(6)', (c) => c.primaryKey().references('comuni.istat'))
    .addColumn('notes', 'text', (c) => c.check(sql`length(notes) <= 5000`))
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('comune_contacts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('comune_istat', 'char(6)', (c) => c.notNull().references('comuni.istat'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('position', 'smallint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('comune_contacts_comune_istat_index').on('comune_contacts').column('comune_istat').execute();
  await db.schema
    .createTable('comune_interests')
    .addColumn('comune_istat', 'char(6)', (c) => c.notNull().references('comuni.istat'))
    .addColumn('theme_code', 'text', (c) => c.notNull().references('themes.code').onDelete('restrict').onUpdate('cascade'))
    .addPrimaryKeyConstraint('comune_interests_pkey', ['comune_istat', 'theme_code'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['comune_interests', 'comune_contacts', 'comune_profiles', 'programming_item_fundings', 'programming_item_themes', 'programming_items', 'funding_awards']) {
    await db.schema.dropTable(table).execute();
  }
}
