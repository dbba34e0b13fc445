import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, FundingAwardsTable, FundingStatus } from '../../plugins/db/schema.ts';
import { unprocessable } from '../../shared/domain-errors.ts';
import { notifyComuniChanged } from './comuni.changes.ts';
import { decodeText, parseCsv, sniffDelimiter } from '../../shared/csv.ts';
import { boundedText, emptyReport, RowError, shown, type ImportOptions, type ImportReport } from '../../shared/import-report.ts';

/** One funded application as stored; the key is (comune_istat, avviso, application_key). */
export type AwardRecord = Omit<Selectable<FundingAwardsTable>, 'id' | 'created_at' | 'updated_at' | 'avviso_key'>;

const SOURCE = 'padigitale2026';
const REQUIRED = [
  'codice_ipa',
  'comune',
  'cod_comune',
  'provincia',
  'importo_finanziamento',
  'avviso',
  'misura',
  'data_invio_candidatura',
  'data_finanziamento',
  'codice_cup',
  'numero_finestra_temporale',
  'numero_di_protocollo',
  'stato_candidatura',
  'data_stato_candidatura',
];
const STATUSES: Record<string, FundingStatus> = { A: 'assegnato', E: 'erogato', R: 'rinuncia' };

/** Work another feature does in the import's transaction with every application the file lists. */
export type FundingImportHook = (trx: Transaction<Database>, records: readonly AwardRecord[]) => Promise<void>;
const hooks = new Map<string, FundingImportHook>();
/** Adds (or replaces, by name) work run after each funding-history import, before it commits. */
export const onFundingImported = (name: string, hook: FundingImportHook) => void hooks.set(name, hook);

export interface FundingImportOptions extends ImportOptions {
  /** Name of the file, kept with each row when the file does not say which snapshot it is. */
  fileName?: string;
  /** Whether other features' work runs with the import (`onFundingImported`); true unless a benchmark compares without it. */
  propagate?: boolean;
}

/** Longest texts a row may carry, well above the published files' (avvisi ~80 characters, CUPs 15). */
const LIMITS = { avviso: 300, measureCode: 20, measureName: 300, cup: 30, protocol: 100, decree: 300, sourceFile: 300 };
/** `amount` is numeric(14, 2); `window_number` is a smallint. */
const AMOUNT_MAX = 999_999_999_999.99;
const WINDOW_MAX = 32_767;
/** PA digitale 2026 opened in 2022: dates far from it are typing errors, and some would not fit PostgreSQL. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

/** Whole numbers that pandas wrote as floats ("2.0") are read back as integers. */
function wholeNumber(value: string, what: string, max: number): number | null {
  const clean = value.trim().replace(/\.0+$/, '');
  if (clean === '') return null;
  if (!/^\d+$/.test(clean)) throw new RowError(`${what} non è un numero intero: ${shown(value)}`);
  if (Number(clean) > max) throw new RowError(`${what} fuori dall'intervallo ammesso (massimo ${max}): ${shown(value)}`);
  return Number(clean);
}

function amount(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new RowError(`importo non valido: ${shown(value)}`);
  const cents = Math.round(n * 100) / 100;
  if (cents > AMOUNT_MAX) throw new RowError(`importo fuori dall'intervallo ammesso (massimo 999.999.999.999,99 euro): ${shown(value)}`);
  return cents;
}

const plausibleYear = (year: number) => year >= FIRST_YEAR && year <= LAST_YEAR;

/** A calendar day that exists: JavaScript reads 2022-02-30 as 2 March, PostgreSQL refuses it. */
function day(value: string, what: string): string | null {
  const clean = value.trim();
  if (clean === '') return null;
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(clean) ? new Date(`${clean}T00:00:00Z`) : null;
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== clean)
    throw new RowError(`${what} non è una data AAAA-MM-GG: ${shown(value)}`);
  if (!plausibleYear(parsed.getUTCFullYear())) throw new RowError(`${what} fuori dagli anni ${FIRST_YEAR}-${LAST_YEAR}: ${shown(value)}`);
  return clean;
}

function instant(value: string, what: string): Date | null {
  const clean = value.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (clean === '') return null;
  const at = new Date(clean);
  if (Number.isNaN(at.getTime())) throw new RowError(`${what} non è una data e ora valida: ${shown(value)}`);
  if (!plausibleYear(at.getUTCFullYear())) throw new RowError(`${what} fuori dagli anni ${FIRST_YEAR}-${LAST_YEAR}: ${shown(value)}`);
  return at;
}

/** "1.4.1 Esperienza del cittadino…" → "1.4.1"; the merged file also has the code in its own column. */
function measureCode(code: string, name: string): string {
  const found = code.trim() || /^\d+(\.\d+)+/.exec(name.trim())?.[0];
  if (!found) throw new RowError(`misura senza codice riconoscibile: ${shown(name)}`);
  return boundedText(found, 'codice della misura', LIMITS.measureCode);
}

/** The publisher names snapshots `candidature_finanziate_141__2025-01-09.csv`. */
const snapshotOfFile = (fileName: string | null) => (fileName ? (/__(\d{4}-\d{2}-\d{2})\.csv$/.exec(fileName)?.[1] ?? null) : null);

export interface ComuneLookup {
  byIstat: Set<string>;
  byIpa: Map<string, string>;
}

/** Most rows carry the ISTAT code; comuni born of recent mergers come as "N/D" with their IPA code. */
function resolveComune(lookup: ComuneLookup, istat: string, ipa: string, name: string): string {
  const code = istat.trim();
  if (/^\d{6}$/.test(code)) {
    if (!lookup.byIstat.has(code)) throw new RowError(`il comune ${code} (${name.slice(0, 100)}) non è nell'anagrafe`);
    return code;
  }
  const viaIpa = lookup.byIpa.get(ipa.trim().toLowerCase());
  if (viaIpa) return viaIpa;
  throw new RowError(`comune non riconosciuto: codice ISTAT ${shown(istat)}, codice IPA ${shown(ipa)} (${name.slice(0, 100)})`);
}

function toRecord(c: (name: string) => string, lookup: ComuneLookup, fileName: string | null): AwardRecord {
  const comune = resolveComune(lookup, c('cod_comune'), c('codice_ipa'), c('comune'));
  const avviso = boundedText(c('avviso'), 'avviso', LIMITS.avviso);
  if (!avviso) throw new RowError('avviso mancante');
  const status = STATUSES[c('stato_candidatura').trim().toUpperCase()];
  if (!status) throw new RowError(`stato della candidatura sconosciuto: ${shown(c('stato_candidatura'))} (attesi A, E, R)`);
  const cup = boundedText(c('codice_cup'), 'codice CUP', LIMITS.cup).toUpperCase() || null;
  const window = wholeNumber(c('numero_finestra_temporale'), 'numero della finestra', WINDOW_MAX);
  const protocol = boundedText(c('numero_di_protocollo'), 'numero di protocollo', LIMITS.protocol).replace(/\.0+$/, '') || null;
  if (!cup && !protocol) throw new RowError('né CUP né numero di protocollo: la candidatura non è identificabile');
  return {
    comune_istat: comune,
    source: SOURCE,
    application_key: cup ?? `finestra ${window ?? '-'} protocollo ${protocol}`,
    avviso,
    measure_code: measureCode(c('misura_codice'), c('misura')),
    measure_name: boundedText(c('misura'), 'misura', LIMITS.measureName) || null,
    window_number: window === 0 ? null : window,
    amount: amount(c('importo_finanziamento')),
    applied_at: instant(c('data_invio_candidatura'), 'data di invio'),
    funded_on: day(c('data_finanziamento'), 'data di finanziamento'),
    cup,
    protocol,
    decree: boundedText(c('decreto_finanziamento'), 'decreto di finanziamento', LIMITS.decree) || null,
    status,
    status_on: day(c('data_stato_candidatura'), 'data dello stato'),
    source_file: boundedText(c('source_file'), 'file di origine', LIMITS.sourceFile) || fileName,
    snapshot_date: day(c('source_snapshot_date'), 'data della rilevazione') ?? snapshotOfFile(fileName),
  };
}

const keyOf = (r: { comune_istat: string; avviso: string; application_key: string }) => `${r.comune_istat}\u0000${r.avviso}\u0000${r.application_key}`;
const COMPARED = [
  'measure_code',
  'measure_name',
  'window_number',
  'amount',
  'applied_at',
  'funded_on',
  'cup',
  'protocol',
  'decree',
  'status',
  'status_on',
  'source_file',
  'snapshot_date',
] as const;
const comparable = (value: unknown) => (value instanceof Date ? value.toISOString() : value === null || value === undefined ? '' : String(value));

/**
 * Reads PA digitale 2026 funded applications (merged file or one measure's file in the publisher's
 * format). The same application in several snapshots: the newest wins (a file without a snapshot date
 * counts as the oldest); the report counts the others as superseded.
 */
export function readFundingFile(bytes: Uint8Array, lookup: ComuneLookup, fileName: string | null = null): { records: AwardRecord[]; report: ImportReport } {
  const { text, encoding } = decodeText(bytes);
  const [headerRow, ...rows] = parseCsv(text, sniffDelimiter(text));
  if (!headerRow) throw unprocessable('EMPTY_FILE', 'Il file è vuoto.');
  const header = headerRow.values.map((h) => h.trim());
  if (!header.includes('importo_finanziamento') || !header.includes('avviso')) {
    throw unprocessable('UNKNOWN_FILE_FORMAT', 'Il file non è un elenco di candidature finanziate di PA digitale 2026.');
  }
  const missing = REQUIRED.filter((column) => !header.includes(column));
  if (missing.length > 0) throw unprocessable('MISSING_COLUMNS', `Mancano colonne obbligatorie: ${missing.join(', ')}.`);
  const report = emptyReport(header.includes('misura_codice') ? 'padigitale2026-candidature-unite' : 'padigitale2026-candidature-misura', encoding);
  const index = new Map(header.map((h, i) => [h, i]));
  const latest = new Map<string, AwardRecord>();
  for (const row of rows) {
    report.read++;
    try {
      const record = toRecord((name) => row.values[index.get(name) ?? -1] ?? '', lookup, fileName);
      const key = keyOf(record);
      const previous = latest.get(key);
      if (previous) report.superseded++;
      if (!previous || (record.snapshot_date ?? '') >= (previous.snapshot_date ?? '')) latest.set(key, record);
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      report.rejected.push({ line: row.line, reason: error.message });
    }
  }
  return { records: [...latest.values()], report };
}

/**
 * Imports funded applications in one transaction, newest snapshot winning also against what is
 * already stored. Applications absent from the file are kept: only funded ones are published,
 * absence means nothing.
 */
export async function importFundingHistory(db: Kysely<Database>, bytes: Uint8Array, options: FundingImportOptions = {}): Promise<ImportReport> {
  return db.transaction().execute(async (trx) => {
    const comuni = await trx.selectFrom('comuni').select(['istat', 'codice_ipa']).execute();
    const lookup: ComuneLookup = {
      byIstat: new Set(comuni.map((c) => c.istat)),
      byIpa: new Map(comuni.filter((c) => c.codice_ipa).map((c) => [c.codice_ipa!, c.istat])),
    };
    const { records, report } = readFundingFile(bytes, lookup, options.fileName ?? null);
    const existing = new Map((await trx.selectFrom('funding_awards').selectAll().where('source', '=', SOURCE).execute()).map((row) => [keyOf(row), row]));
    const changed = records.filter((record) => {
      const current = existing.get(keyOf(record));
      if (!current) report.created++;
      else if ((current.snapshot_date ?? '') > (record.snapshot_date ?? '')) return void report.superseded++;
      else if (COMPARED.some((column) => comparable(current[column]) !== comparable(record[column]))) report.updated++;
      else return void report.unchanged++;
      return true;
    });
    const columns = [...COMPARED, 'source'] as const;
    for (let i = 0; i < changed.length; i += 1000) {
      await trx
        .insertInto('funding_awards')
        .values(changed.slice(i, i + 1000))
        .onConflict((oc) =>
          oc
            .constraint('funding_awards_comune_istat_avviso_application_key_key')
            .doUpdateSet(Object.fromEntries([...columns.map((c) => [c, sql.ref(`excluded.${c}`)]), ['updated_at', sql`now()`]])),
        )
        .execute();
    }
    if (changed.length > 0) await notifyComuniChanged(trx, '*');
    if (options.propagate !== false) for (const hook of hooks.values()) await hook(trx, records);
    await options.beforeCommit?.(trx, report);
    return report;
  });
}
