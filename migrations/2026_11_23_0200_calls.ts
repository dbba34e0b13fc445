import { sql, type Kysely } from 'kysely';

// Keyword and measure-code hints that suggest themes for ingested calls; admins edit them as data.
const THEME_RULES: [kind: 'measure' | 'keyword', pattern: string, theme: string][] = [
  ['measure', '1.1', 'infrastrutture.cloud'],
  ['measure', '1.2', 'infrastrutture.cloud'],
  ['measure', '1.3.1', 'dati.pdnd'],
  ['measure', '1.3.1', 'interoperabilita'],
  ['measure', '1.4.1', 'servizi.esperienza-cittadino'],
  ['measure', '1.4.2', 'accessibilita'],
  ['measure', '1.4.3', 'piattaforme'],
  ['measure', '1.4.4', 'piattaforme.spid-cie'],
  ['measure', '1.4.5', 'piattaforme.send'],
  ['measure', '1.5', 'sicurezza'],
  ['measure', '1.7', 'governance.formazione'],
  ['keyword', 'pagopa', 'piattaforme.pagopa'],
  ['keyword', 'app io', 'piattaforme.app-io'],
  ['keyword', 'spid', 'piattaforme.spid-cie'],
  ['keyword', 'cie', 'piattaforme.spid-cie'],
  ['keyword', 'anpr', 'piattaforme.anpr'],
  ['keyword', 'ansc', 'piattaforme.anpr'],
  ['keyword', 'notifiche', 'piattaforme.send'],
  ['keyword', 'send', 'piattaforme.send'],
  ['keyword', 'cloud', 'infrastrutture.cloud'],
  ['keyword', 'banda ultralarga', 'infrastrutture.connettivita'],
  ['keyword', 'connettivita', 'infrastrutture.connettivita'],
  ['keyword', 'wi-fi', 'infrastrutture.connettivita'],
  ['keyword', 'pdnd', 'dati.pdnd'],
  ['keyword', 'open data', 'dati.open-data'],
  ['keyword', 'interoperabilita', 'interoperabilita'],
  ['keyword', 'sicurezza informatica', 'sicurezza'],
  ['keyword', 'cybersicurezza', 'sicurezza'],
  ['keyword', 'formazione', 'governance.formazione'],
  ['keyword', 'competenze digitali', 'governance.formazione'],
  ['keyword', 'accessibilita', 'accessibilita'],
  ['keyword', 'sito', 'servizi.esperienza-cittadino'],
  ['keyword', 'servizi digitali', 'servizi'],
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('calls')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) between 3 and 500`))
    .addColumn('summary', 'text')
    .addColumn('description', 'text')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('programme_kind', 'text', (c) => c.notNull().check(sql`programme_kind in ('pnrr', 'fesr', 'fse_plus', 'regionale', 'nazionale', 'ue', 'fondazione', 'altro')`))
    .addColumn('programme_code', 'text')
    .addColumn('measure_code', 'text')
    .addColumn('procedure', 'text', (c) => c.notNull().check(sql`procedure in ('sportello', 'graduatoria', 'finestre')`))
    .addColumn('eligibility', 'jsonb', (c) => c.notNull())
    .addColumn('total_budget', 'numeric(16, 2)', (c) => c.check(sql`total_budget >= 0`))
    .addColumn('remaining_budget', 'numeric(16, 2)', (c) => c.check(sql`remaining_budget >= 0`))
    .addColumn('amount', 'jsonb')
    // The largest per-applicant amount the rule allows: what "sort by amount" orders by.
    .addColumn('amount_max', 'numeric(16, 2)')
    .addColumn('cofinancing_share', 'numeric(5, 4)', (c) => c.check(sql`cofinancing_share between 0 and 1`))
    .addColumn('publication_date', 'date')
    // Bounds of the windows, kept with the call so that listing by status or deadline needs no scan of windows.
    .addColumn('opens_at', 'timestamptz')
    .addColumn('closes_at', 'timestamptz')
    .addColumn('links', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('contact', 'jsonb')
    .addColumn('editorial_status', 'text', (c) =>
      c.notNull().defaultTo('draft').check(sql`editorial_status in ('draft', 'in_review', 'approved', 'scheduled', 'published', 'withdrawn', 'archived')`),
    )
    .addColumn('publish_at', 'timestamptz')
    .addColumn('published_at', 'timestamptz')
    .addColumn('withdrawn_reason', 'text')
    .addColumn('merged_into', 'uuid', (c) => c.references('calls.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('submitted_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('approved_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table calls add column search_text text generated always as (lower(immutable_unaccent(title || ' ' || coalesce(summary, '')))) stored`.execute(db);
  await db.schema.createIndex('calls_editorial_status_index').on('calls').column('editorial_status').execute();
  await db.schema.createIndex('calls_measure_code_index').on('calls').column('measure_code').execute();
  await db.schema.createIndex('calls_opens_at_closes_at_index').on('calls').columns(['opens_at', 'closes_at']).execute();

  await db.schema
    .createTable('call_windows')
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('number', 'smallint', (c) => c.notNull().check(sql`number > 0`))
    .addColumn('label', 'text')
    .addColumn('opens_at', 'timestamptz', (c) => c.notNull())
    // No closing: open until funds run out ("fino ad esaurimento risorse").
    .addColumn('closes_at', 'timestamptz')
    .addPrimaryKeyConstraint('call_windows_pkey', ['call_id', 'number'])
    .addCheckConstraint('call_windows_dates_check', sql`closes_at is null or closes_at > opens_at`)
    .execute();
  await db.schema.createIndex('call_windows_closes_at_index').on('call_windows').column('closes_at').execute();

  await db.schema
    .createTable('call_themes')
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('theme_code', 'text', (c) => c.notNull().references('themes.code').onDelete('restrict').onUpdate('cascade'))
    .addColumn('suggested', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('call_themes_pkey', ['call_id', 'theme_code'])
    .execute();
  await db.schema.createIndex('call_themes_theme_code_index').on('call_themes').column('theme_code').execute();

  // Where a call came from; a merged call keeps every source's link.
  await db.schema
    .createTable('call_sources')
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('call_sources_pkey', ['source_kind', 'external_id'])
    .execute();
  await db.schema.createIndex('call_sources_call_id_index').on('call_sources').column('call_id').execute();

  await db.schema
    .createTable('call_versions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('changes', 'jsonb', (c) => c.notNull())
    .addColumn('changed_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('changed_by_source', 'text')
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('call_versions_call_id_index').on('call_versions').columns(['call_id', 'version']).execute();

  // Domain events for matching and alerts, written in the same transaction as the change.
  await db.schema
    .createTable('call_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('call.published', 'call.changed', 'call.withdrawn')`))
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('processed_at', 'timestamptz')
    .execute();
  await sql`create index call_events_unprocessed_index on call_events (id) where processed_at is null`.execute(db);

  await db.schema
    .createTable('theme_rules')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('measure', 'keyword')`))
    .addColumn('pattern', 'text', (c) => c.notNull())
    .addColumn('theme_code', 'text', (c) => c.notNull().references('themes.code').onDelete('restrict').onUpdate('cascade'))
    .addUniqueConstraint('theme_rules_kind_pattern_theme_code_key', ['kind', 'pattern', 'theme_code'])
    .execute();
  await db.insertInto('theme_rules').values(THEME_RULES.map(([kind, pattern, theme_code]) => ({ kind, pattern, theme_code }))).execute();

  await db.schema
    .createTable('ingest_sources')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('padigitale2026', 'italiadomani', 'lombardia', 'plone', 'rss', 'csv')`))
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('every_minutes', 'integer', (c) => c.check(sql`every_minutes >= 5`))
    .addColumn('trusted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('ingest_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('source_id', 'uuid', (c) => c.references('ingest_sources.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('running').check(sql`status in ('running', 'succeeded', 'failed')`))
    .addColumn('seen', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failures', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('error', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('ingest_runs_source_id_index').on('ingest_runs').columns(['source_id', 'started_at']).execute();

  // The raw payload of every item seen, so that a parser fix can re-process it.
  await db.schema
    .createTable('ingest_items')
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('raw', 'jsonb', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('call_id', 'uuid', (c) => c.references('calls.id').onDelete('set null'))
    .addColumn('error', 'text')
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ingest_items_pkey', ['source_kind', 'external_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['ingest_items', 'ingest_runs', 'ingest_sources', 'theme_rules', 'call_events', 'call_versions', 'call_sources', 'call_themes', 'call_windows', 'calls']) {
    await db.schema.dropTable(table).execute();
  }
}
