import { sql, type Kysely } from 'kysely';

// The controlled vocabulary shared by calls and local programming: the AgID three-year plan areas
// and the themes RTDs plan by (seed 002, seed 003). Frozen here; admins edit it through the API.
const THEMES: [code: string, parent: string | null, label: string][] = [
  ['servizi', null, 'Servizi digitali'],
  ['servizi.esperienza-cittadino', 'servizi', 'Esperienza del cittadino e siti web'],
  ['dati', null, 'Dati'],
  ['dati.pdnd', 'dati', 'Piattaforma Digitale Nazionale Dati (PDND)'],
  ['dati.open-data', 'dati', 'Open data'],
  ['piattaforme', null, 'Piattaforme'],
  ['piattaforme.spid-cie', 'piattaforme', 'Identità digitale SPID e CIE'],
  ['piattaforme.pagopa', 'piattaforme', 'pagoPA'],
  ['piattaforme.app-io', 'piattaforme', 'App IO'],
  ['piattaforme.send', 'piattaforme', 'SEND - Notifiche digitali'],
  ['piattaforme.anpr', 'piattaforme', 'ANPR e ANSC'],
  ['infrastrutture', null, 'Infrastrutture'],
  ['infrastrutture.cloud', 'infrastrutture', 'Cloud'],
  ['infrastrutture.connettivita', 'infrastrutture', 'Connettività'],
  ['interoperabilita', null, 'Interoperabilità'],
  ['sicurezza', null, 'Sicurezza informatica'],
  ['governance', null, 'Governance e competenze'],
  ['governance.organizzazione', 'governance', 'Organizzazione'],
  ['governance.formazione', 'governance', 'Formazione e competenze digitali'],
  ['accessibilita', null, 'Accessibilità'],
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('themes')
    .addColumn('code', 'text', (c) => c.primaryKey().check(sql`code ~ '^[a-z0-9-]+(\\.[a-z0-9-]+)*$'`))
    .addColumn('parent_code', 'text', (c) => c.references('themes.code').onDelete('restrict'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.insertInto('themes').values(THEMES.map(([code, parent, label], i) => ({ code, parent_code: parent, label, sort_order: i }))).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('themes').execute();
}
