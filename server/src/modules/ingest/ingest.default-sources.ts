import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../auth/index.ts';
import type { Database, SourceKind } from '../../plugins/db/schema.ts';

const DAILY = 1440;

/**
 * The real public sources of calls for comuni, read once a day. None is trusted: their calls come in
 * as drafts and their changes to published calls as revisions, for the editors to review.
 */
export const DEFAULT_SOURCES: { name: string; kind: SourceKind; location: string; everyMinutes: number; enabled: boolean }[] = [
  {
    name: 'PA digitale 2026 - avvisi',
    kind: 'padigitale2026',
    location: 'https://raw.githubusercontent.com/teamdigitale/padigitale2026-opendata/main/data/avvisi.csv',
    everyMinutes: DAILY,
    enabled: true,
  },
  {
    name: 'Regione Lombardia - Anagrafica dei bandi regionali',
    kind: 'lombardia',
    // Socrata answers 1,000 rows unless asked for more.
    location: 'https://www.dati.lombardia.it/resource/bukx-h2uy.json?$limit=50000',
    everyMinutes: DAILY,
    enabled: true,
  },
  {
    // The catalogue publishes "Bandi e avvisi" as a CSV whose address the page does not show: the
    // source stays off until an editor sets the file's URL (PUT /api/v1/ingest/sources/{id}) and enables it.
    name: 'Italia Domani - Bandi e avvisi PNRR',
    kind: 'italiadomani',
    location: 'https://www.italiadomani.gov.it/content/sogei-ng/it/it/catalogo-open-data.html',
    everyMinutes: DAILY,
    enabled: false,
  },
];

export interface DefaultSourcesReport {
  created: string[];
  /** Kinds already registered, whatever their address: an editor's changes stand. */
  present: string[];
}

/** Registers the default sources whose kind has none yet; run again, it changes nothing. */
export async function addDefaultSources(db: Kysely<Database>): Promise<DefaultSourcesReport> {
  return db.transaction().execute(async (trx) => {
    // Two operators running it at once still register each source once.
    await sql`lock table ingest_sources in share row exclusive mode`.execute(trx);
    const report: DefaultSourcesReport = { created: [], present: [] };
    const known = new Set((await trx.selectFrom('ingest_sources').select('kind').execute()).map((s) => s.kind));
    for (const source of DEFAULT_SOURCES) {
      if (known.has(source.kind)) {
        report.present.push(source.name);
        continue;
      }
      const values = {
        name: source.name,
        kind: source.kind,
        location: source.location,
        every_minutes: source.everyMinutes,
        trusted: false,
        enabled: source.enabled,
      };
      const created = await trx.insertInto('ingest_sources').values(values).returning('id').executeTakeFirstOrThrow();
      await recordAudit(trx, null, { action: 'source.created', entity: 'ingest_source', entityId: created.id, changes: { ...values } });
      report.created.push(source.name);
    }
    return report;
  });
}
