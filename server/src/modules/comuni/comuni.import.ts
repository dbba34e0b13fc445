import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { unprocessable } from '../../shared/domain-errors.ts';
import { decodeText, parseCsv, sniffDelimiter, type CsvRow } from '../../shared/csv.ts';
import { REGION_CODES } from './comuni.regions.ts';
import { notifyComuniChanged } from './comuni.changes.ts';
import { boundedText, emptyReport, MAX_INTEGER, RowError, shown, type ImportOptions, type ImportReport } from '../../shared/import-report.ts';

/** The columns one file can set; a format leaves out what it does not carry. */
export interface ComuneRecord {
  istat: string;
  name: string;
  province_code: string;
  province_sigla: string;
  province_name: string;
  region_code: string;
  region_name: string;
  codice_catastale: string;
  legal_population: number;
  legal_population_date: string;
  resident_population?: number;
  resident_population_date?: string;
  surface_km2?: number;
  altitude_zone?: number;
  altitude_m?: number;
  coastal?: boolean;
  island?: boolean;
}

type Column = (name: string) => string;

/** Names of comuni, provinces and regions: the longest real one has 50 characters or so. */
const NAME_MAX = 200;
/** `surface_km2` is numeric(10, 4): below a million km². */
const SURFACE_MAX = 999_999.9999;
const ALTITUDE_LIMIT = 9_999;

const integer = (value: string, what: string) => {
  const clean = value.trim().replace(/\./g, '');
  if (!/^\d+$/.test(clean)) throw new RowError(`${what} non è un numero intero: ${shown(value)}`);
  if (Number(clean) > MAX_INTEGER) throw new RowError(`${what} fuori dall'intervallo ammesso (massimo ${MAX_INTEGER}): ${shown(value)}`);
  return Number(clean);
};
/** Altitude in metres: a few comuni lie below sea level. */
const altitude = (value: string) => {
  if (!/^-?\d+$/.test(value.trim())) throw new RowError(`altitudine non è un numero intero: ${shown(value)}`);
  const metres = Number(value.trim());
  if (Math.abs(metres) > ALTITUDE_LIMIT)
    throw new RowError(`altitudine fuori dall'intervallo ammesso (da -${ALTITUDE_LIMIT} a ${ALTITUDE_LIMIT} metri): ${shown(value)}`);
  return metres;
};
const surface = (value: string) => {
  const n = Number(value.trim().replace(',', '.'));
  if (!Number.isFinite(n) || n <= 0) throw new RowError(`superficie non è un numero positivo: ${shown(value)}`);
  if (n > SURFACE_MAX) throw new RowError(`superficie fuori dall'intervallo ammesso (massimo ${SURFACE_MAX} km²): ${shown(value)}`);
  return n;
};
const placeName = (value: string, what: string) => boundedText(value, what, NAME_MAX);
function istat(value: string): string {
  const code = value.trim();
  if (!/^\d{6}$/.test(code)) throw new RowError(`codice ISTAT di forma errata: ${shown(value)} (servono 6 cifre)`);
  return code;
}
function region(name: string): string {
  const code = REGION_CODES[name.trim()];
  if (!code) throw new RowError(`regione sconosciuta: ${shown(name)}`);
  return code;
}
function regionCode(value: string): string {
  const code = value.trim().padStart(2, '0');
  if (!/^\d{2}$/.test(code)) throw new RowError(`codice della regione di forma errata: ${shown(value)} (servono 2 cifre)`);
  return code;
}
function sigla(value: string): string {
  const code = value.trim();
  if (!/^[A-Z]{2}$/.test(code)) throw new RowError(`sigla della provincia di forma errata: ${shown(value)} (servono 2 lettere maiuscole)`);
  return code;
}
function catastale(value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]\d{3}$/.test(code)) throw new RowError(`codice catastale di forma errata: ${shown(value)}`);
  return code;
}

interface Format {
  name: string;
  required: string[];
  matches(header: string[]): boolean;
  record(column: Column): ComuneRecord;
}

/** ISTAT SITUAS export: one row per comune, 2021 census populations. */
const SITUAS: Format = {
  name: 'istat-situas',
  required: [
    'codice_istat',
    'denominazione',
    'codice_catastale',
    'regione',
    'provincia',
    'sigla_provincia',
    'superficie_km2',
    'popolazione_residente',
    'popolazione_legale',
    'zona_altimetrica',
    'altitudine',
    'comune_litoraneo',
    'comune_isolano',
  ],
  matches: (header) => header.includes('codice_istat') && header.includes('denominazione'),
  record(c) {
    const code = istat(c('codice_istat'));
    const zone = integer(c('zona_altimetrica'), 'zona altimetrica');
    if (zone < 1 || zone > 5) throw new RowError(`zona altimetrica fuori dall'intervallo 1-5: ${zone}`);
    return {
      istat: code,
      name: placeName(c('denominazione'), 'denominazione'),
      province_code: code.slice(0, 3),
      province_sigla: sigla(c('sigla_provincia')),
      province_name: placeName(c('provincia'), 'provincia'),
      region_code: region(c('regione')),
      region_name: c('regione').trim(),
      codice_catastale: catastale(c('codice_catastale')),
      resident_population: integer(c('popolazione_residente'), 'popolazione residente'),
      resident_population_date: '2021-12-31',
      legal_population: integer(c('popolazione_legale'), 'popolazione legale'),
      legal_population_date: '2021-12-31',
      surface_km2: surface(c('superficie_km2')),
      altitude_zone: zone,
      altitude_m: altitude(c('altitudine')),
      coastal: c('comune_litoraneo').trim() === '1',
      island: c('comune_isolano').trim() === '1',
    };
  },
};

const ELENCO_ISTAT = 'Codice Comune formato alfanumerico';
const ELENCO_PROVINCE = "Denominazione dell'Unità territoriale sovracomunale (valida a fini statistici)";
/** ISTAT "Elenco comuni italiani": `;`-separated, Latin-1, long headers; legal population of the 2011 census. */
const ELENCO: Format = {
  name: 'istat-elenco-comuni',
  required: [
    ELENCO_ISTAT,
    'Denominazione in italiano',
    'Codice Regione',
    'Denominazione regione',
    'Sigla automobilistica',
    'Codice Catastale del comune',
    'Popolazione legale 2011 (09/10/2011)',
  ],
  matches: (header) => header.includes(ELENCO_ISTAT),
  record(c) {
    const code = istat(c(ELENCO_ISTAT));
    return {
      istat: code,
      name: placeName(c('Denominazione in italiano'), 'denominazione'),
      province_code: code.slice(0, 3),
      province_sigla: sigla(c('Sigla automobilistica')),
      province_name: placeName(c(ELENCO_PROVINCE), 'provincia'),
      region_code: regionCode(c('Codice Regione')),
      region_name: placeName(c('Denominazione regione'), 'regione'),
      codice_catastale: catastale(c('Codice Catastale del comune')),
      legal_population: integer(c('Popolazione legale 2011 (09/10/2011)'), 'popolazione legale'),
      legal_population_date: '2011-10-09',
    };
  },
};

const FORMATS = [SITUAS, ELENCO];
const normaliseHeader = (h: string) => h.replace(/\s+/g, ' ').trim();

function detect(header: string[]): Format {
  const format = FORMATS.find((f) => f.matches(header));
  if (!format) throw unprocessable('UNKNOWN_FILE_FORMAT', "Il file non è un elenco dei comuni ISTAT riconosciuto (SITUAS o 'Elenco comuni italiani').");
  const missing = format.required.filter((column) => !header.includes(column));
  if (missing.length > 0) throw unprocessable('MISSING_COLUMNS', `Mancano colonne obbligatorie: ${missing.join(', ')}.`);
  return format;
}

function toRecords(format: Format, header: string[], rows: CsvRow[], report: ImportReport): ComuneRecord[] {
  const index = new Map(header.map((h, i) => [h, i]));
  const seen = new Set<string>();
  const records: ComuneRecord[] = [];
  for (const row of rows) {
    report.read++;
    try {
      const record = format.record((name) => row.values[index.get(name) ?? -1] ?? '');
      if (!record.name) throw new RowError('denominazione vuota');
      if (seen.has(record.istat)) throw new RowError(`codice ISTAT ${record.istat} ripetuto nel file`);
      seen.add(record.istat);
      records.push(record);
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      report.rejected.push({ line: row.line, reason: error.message });
    }
  }
  return records;
}

function differs(existing: Record<string, unknown>, record: ComuneRecord): boolean {
  return Object.entries(record).some(([key, value]) => {
    const current = existing[key];
    return typeof value === 'number' ? Number(current) !== value : String(current ?? '') !== String(value);
  });
}

/** Reads an ISTAT list of comuni into records; rows that do not validate are in the report. */
export function readComuniFile(bytes: Uint8Array): { records: ComuneRecord[]; report: ImportReport } {
  const { text, encoding } = decodeText(bytes);
  const [headerRow, ...rows] = parseCsv(text, sniffDelimiter(text));
  if (!headerRow) throw unprocessable('EMPTY_FILE', 'Il file è vuoto.');
  const header = headerRow.values.map(normaliseHeader);
  const format = detect(header);
  const report = emptyReport(format.name, encoding);
  return { records: toRecords(format, header, rows, report), report };
}

/**
 * Imports a list of comuni in one transaction: a rejected row is reported and skipped, a failure
 * rolls everything back, and a second run of the same file changes nothing.
 */
export async function importComuni(db: Kysely<Database>, bytes: Uint8Array, options: ImportOptions = {}): Promise<ImportReport> {
  const { records, report } = readComuniFile(bytes);

  await db.transaction().execute(async (trx) => {
    const existing = new Map((await trx.selectFrom('comuni').selectAll().execute()).map((row) => [row.istat, row as unknown as Record<string, unknown>]));
    const changed = records.filter((record) => {
      const current = existing.get(record.istat);
      if (!current) report.created++;
      else if (differs(current, record)) report.updated++;
      else {
        report.unchanged++;
        return false;
      }
      return true;
    });
    for (let i = 0; i < changed.length; i += 1000) {
      const batch = changed.slice(i, i + 1000);
      const columns = Object.keys(batch[0]!).filter((c) => c !== 'istat');
      await trx
        .insertInto('comuni')
        .values(batch)
        .onConflict((oc) =>
          oc.column('istat').doUpdateSet(Object.fromEntries([...columns.map((c) => [c, sql.ref(`excluded.${c}`)]), ['updated_at', sql`now()`]])),
        )
        .execute();
    }
    await notifyComuniChanged(trx, '*');
    await options.beforeCommit?.(trx, report);
  });
  return report;
}
