import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('comuni')
    .addColumn('istat', 'char(6)', (c) => c.primaryKey().check(sql`istat ~ '^[0-9]{6}$'`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('province_code', 'char(3)', (c) => c.notNull())
    .addColumn('province_sigla', 'varchar(2)', (c) => c.notNull())
    .addColumn('province_name', 'text', (c) => c.notNull())
    .addColumn('region_code', 'char(2)', (c) => c.notNull())
    .addColumn('region_name', 'text', (c) => c.notNull())
    .addColumn('resident_population', 'integer', (c) => c.check(sql`resident_population >= 0`))
    .addColumn('resident_population_date', 'date')
    .addColumn('legal_population', 'integer', (c) => c.check(sql`legal_population >= 0`))
    .addColumn('legal_population_date', 'date')
    .addColumn('surface_km2', 'numeric(10, 4)', (c) => c.check(sql`surface_km2 > 0`))
    .addColumn('altitude_zone', 'smallint', (c) => c.check(sql`altitude_zone between 1 and 5`))
    .addColumn('altitude_m', 'integer')
    .addColumn('coastal', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('island', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('codice_catastale', 'char(4)', (c) => c.check(sql`codice_catastale ~ '^[A-Z][0-9]{3}$'`))
    .addColumn('codice_ipa', 'text')
    .addColumn('valid_from', 'date')
    .addColumn('valid_to', 'date')
    .addColumn('successor_istat', 'char(6)', (c) => c.references('comuni.istat'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table comuni add column name_folded text generated always as (lower(immutable_unaccent(name))) stored`.execute(db);
  await sql`create index comuni_name_folded_index on comuni (name_folded text_pattern_ops)`.execute(db);
  await db.schema.createIndex('comuni_region_code_province_sigla_index').on('comuni').columns(['region_code', 'province_sigla']).execute();

  await db.schema
    .createTable('aggregations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('unione', 'comunita_montana', 'ufficio_rtd_associato', 'consorzio', 'altro')`),
    )
    .addColumn('codice_fiscale', 'char(11)', (c) => c.check(sql`codice_fiscale ~ '^[0-9]{11}$'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('aggregation_members')
    .addColumn('aggregation_id', 'uuid', (c) => c.notNull().references('aggregations.id').onDelete('cascade'))
    .addColumn('comune_istat', 'char(6)', (c) => c.notNull().references('comuni.istat'))
    .addColumn('joined_on', 'date', (c) => c.notNull().defaultTo(sql`current_date`))
    .addColumn('left_on', 'date')
    .addPrimaryKeyConstraint('aggregation_members_pkey', ['aggregation_id', 'comune_istat', 'joined_on'])
    .addCheckConstraint('aggregation_members_dates_check', sql`left_on is null or left_on >= joined_on`)
    .execute();
  await db.schema.createIndex('aggregation_members_comune_istat_index').on('aggregation_members').column('comune_istat').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('aggregation_members').execute();
  await db.schema.dropTable('aggregations').execute();
  await db.schema.dropTable('comuni').execute();
}
