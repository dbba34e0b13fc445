import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { unprocessable } from '../../shared/domain-errors.ts';
import { decodeText, parseCsv, sniffDelimiter } from '../../shared/csv.ts';
import { emptyReport, shown, type ImportOptions, type ImportReport } from '../../shared/import-report.ts';
import { notifyComuniChanged } from './comuni.changes.ts';

const REQUIRED = ['codice_ipa', 'cod_comune_istat'];

/**
 * Attaches IPA codes to comuni by ISTAT code (IPA codes are looked up, never derived). Rows of
 * comuni absent from the registry, e.g. merged ones, are reported as rejected with the reason.
 */
export async function importIpa(db: Kysely<Database>, bytes: Uint8Array, options: ImportOptions = {}): Promise<ImportReport> {
  const { text, encoding } = decodeText(bytes);
  const [headerRow, ...rows] = parseCsv(text, sniffDelimiter(text));
  if (!headerRow) throw unprocessable('EMPTY_FILE', 'Il file è vuoto.');
  const header = headerRow.values.map((h) => h.trim());
  if (!header.includes('codice_ipa') && !header.includes('cod_comune_istat')) {
    throw unprocessable('UNKNOWN_FILE_FORMAT', 'Il file non è un elenco di codici IPA dei comuni.');
  }
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) throw unprocessable('MISSING_COLUMNS', `Mancano colonne obbligatorie: ${missing.join(', ')}.`);
  const ipaAt = header.indexOf('codice_ipa');
  const istatAt = header.indexOf('cod_comune_istat');
  const report = emptyReport('ipa-comuni', encoding);

  await db.transaction().execute(async (trx) => {
    const current = new Map((await trx.selectFrom('comuni').select(['istat', 'codice_ipa']).execute()).map((c) => [c.istat, c.codice_ipa]));
    const seen = new Set<string>();
    const changes: { istat: string; ipa: string }[] = [];
    for (const row of rows) {
      report.read++;
      const ipa = (row.values[ipaAt] ?? '').trim().toLowerCase();
      const istat = (row.values[istatAt] ?? '').trim();
      const reject = (reason: string) => report.rejected.push({ line: row.line, reason });
      if (!/^\d{6}$/.test(istat)) reject(`codice ISTAT di forma errata: ${shown(istat)} (servono 6 cifre)`);
      else if (!/^[a-z0-9_]{2,20}$/.test(ipa)) reject(`codice IPA di forma errata: ${shown(ipa)}`);
      else if (seen.has(istat)) reject(`codice ISTAT ${istat} ripetuto nel file`);
      else if (!current.has(istat)) reject(`il comune ${istat} non è nell'anagrafe (soppresso o non ancora importato)`);
      else {
        seen.add(istat);
        if (current.get(istat) === ipa) report.unchanged++;
        else {
          report.updated++;
          changes.push({ istat, ipa });
        }
      }
    }
    for (let i = 0; i < changes.length; i += 1000) {
      const batch = changes.slice(i, i + 1000);
      await sql`
        update comuni set codice_ipa = v.ipa, updated_at = now()
          from (select unnest(${batch.map((c) => c.istat)}::text[]) as istat, unnest(${batch.map((c) => c.ipa)}::text[]) as ipa) v
         where comuni.istat = v.istat
      `.execute(trx);
    }
    await notifyComuniChanged(trx, '*');
    await options.beforeCommit?.(trx, report);
  });
  return report;
}
