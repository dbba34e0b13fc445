import type { ProgrammingFundingStatus, ProgrammingPriority, ProgrammingStatus } from '../../plugins/db/schema.ts';
import { RowError, shown } from '../../shared/import-report.ts';
import { parseEuros, formatNumber } from '../../shared/euros.ts';
import type { ProgrammingItem } from './programming.mappers.ts';
import type { ItemValues } from './programming.service.ts';
import { ITEM_CODE_PATTERN, ITEM_LIMITS } from './programming.schemas.ts';
import { csvEuros, toCsv } from '../../shared/csv-write.ts';

/** The template's columns, in order; README "Programmazione: il modello CSV" documents them. */
export const COLUMNS = [
  'codice',
  'titolo',
  'descrizione',
  'temi',
  'anno_inizio',
  'anno_fine',
  'costo_stimato',
  'priorita',
  'stato',
  'stato_finanziamento',
  'cup_finanziamenti',
] as const;
const CODE = new RegExp(ITEM_CODE_PATTERN, 'u');
const REQUIRED = ['codice', 'titolo', 'temi', 'anno_inizio', 'anno_fine'];

const PRIORITY: Record<string, ProgrammingPriority> = { alta: 'high', media: 'medium', bassa: 'low' };
const STATUS: Record<string, ProgrammingStatus> = { pianificato: 'planned', in_corso: 'in_progress', concluso: 'done', abbandonato: 'dropped' };
const FUNDING: Record<string, ProgrammingFundingStatus> = { non_finanziato: 'unfunded', parzialmente_finanziato: 'partly_funded', finanziato: 'funded' };
const label = <T extends string>(map: Record<string, T>, value: T) => Object.entries(map).find(([, v]) => v === value)![0];

function choice<T extends string>(map: Record<string, T>, raw: string, what: string, fallback: T): T {
  const key = raw.trim().toLowerCase().replace(/\s+/g, '_');
  if (key === '') return fallback;
  const found = map[key] ?? (Object.values(map).includes(key as T) ? (key as T) : undefined);
  if (!found) throw new RowError(`${what} sconosciuto: ${shown(raw)} (ammessi: ${Object.keys(map).join(', ')})`);
  return found;
}

function year(raw: string, what: string): number {
  const value = raw.trim();
  if (!/^\d{4}$/.test(value) || Number(value) < 2000 || Number(value) > 2100) throw new RowError(`${what} non è un anno tra 2000 e 2100: ${shown(raw)}`);
  return Number(value);
}

/** The estimated cost, in cents at most, up to the API's maximum (which fits the column). */
export function euros(raw: string): number | null {
  const outOfRange = `costo stimato fuori dall'intervallo ammesso (da 0 a ${formatNumber(ITEM_LIMITS.estimatedCost)} euro): ${shown(raw)}`;
  const negative = raw.replace(/[€\s]/g, '').startsWith('-');
  const value = parseEuros(negative ? raw.replace('-', '') : raw);
  if (Number.isNaN(value) || (value !== null && Math.round(value * 100) !== value * 100))
    throw new RowError(`costo stimato non valido: ${shown(raw)} (es. 12500,00)`);
  if (value !== null && ((negative && value > 0) || value > ITEM_LIMITS.estimatedCost)) throw new RowError(outOfRange);
  return value;
}

const list = (raw: string) => [
  ...new Set(
    raw
      .split(/[,|]/)
      .map((s) => s.trim())
      .filter(Boolean),
  ),
];

function boundedList(raw: string, what: string, maxItems: number, maxLength: number): string[] {
  const items = list(raw);
  if (items.length > maxItems) throw new RowError(`troppi ${what}: ${items.length} (massimo ${maxItems})`);
  const long = items.find((item) => item.length > maxLength);
  if (long) throw new RowError(`${what}: un valore supera i ${maxLength} caratteri: ${shown(long)}`);
  return items;
}

export interface CsvItem {
  values: Omit<ItemValues, 'fundingAwardIds'>;
  cups: string[];
}

export function missingColumns(header: string[]): string[] {
  return REQUIRED.filter((column) => !header.includes(column));
}

export function parseItemRow(c: (name: (typeof COLUMNS)[number]) => string): CsvItem {
  const code = c('codice').trim();
  if (!code) throw new RowError("codice mancante: serve a riconoscere l'intervento alle importazioni successive");
  if (code.length > ITEM_LIMITS.code) throw new RowError(`codice troppo lungo (massimo ${ITEM_LIMITS.code} caratteri): ${shown(code)}`);
  if (!CODE.test(code)) throw new RowError(`codice non valido: non può contenere punto e virgola, tabulazioni né andare a capo: ${shown(code)}`);
  const title = c('titolo').trim();
  if (!title) throw new RowError('titolo mancante');
  if (title.length > 300) throw new RowError('titolo troppo lungo (massimo 300 caratteri)');
  const description = c('descrizione').trim();
  if (description.length > 5000) throw new RowError('descrizione troppo lunga (massimo 5000 caratteri)');
  return {
    values: {
      code,
      title,
      description: description || null,
      themes: boundedList(c('temi'), 'temi', ITEM_LIMITS.themes, ITEM_LIMITS.themeCode).sort(),
      startYear: year(c('anno_inizio'), 'anno di inizio'),
      endYear: year(c('anno_fine'), 'anno di fine'),
      estimatedCost: euros(c('costo_stimato')),
      priority: choice(PRIORITY, c('priorita'), 'priorità', 'medium'),
      status: choice(STATUS, c('stato'), 'stato', 'planned'),
      fundingStatus: choice(FUNDING, c('stato_finanziamento'), 'stato del finanziamento', 'unfunded'),
    },
    cups: boundedList(c('cup_finanziamenti'), 'CUP', ITEM_LIMITS.fundings, 30).map((cup) => cup.toUpperCase()),
  };
}

/** `;`-separated UTF-8 with a BOM, as spreadsheets set to Italian open and save it. */
export function renderCsv(items: ProgrammingItem[]): string {
  return toCsv(
    COLUMNS,
    items.map((item) => [
      item.code,
      item.title,
      item.description ?? '',
      item.themes.join(', '),
      String(item.startYear),
      String(item.endYear),
      csvEuros(item.estimatedCost),
      label(PRIORITY, item.priority as ProgrammingPriority),
      label(STATUS, item.status as ProgrammingStatus),
      label(FUNDING, item.fundingStatus as ProgrammingFundingStatus),
      item.fundings
        .map((f) => f.cup)
        .filter(Boolean)
        .join(', '),
    ]),
  );
}

export const TEMPLATE_EXAMPLE: ProgrammingItem = {
  id: '00000000-0000-4000-8000-000000000000',
  istat: '000000',
  code: 'PT-2026-01',
  title: 'Migrazione dei servizi demografici al cloud qualificato',
  description: 'Trasferimento di anagrafe e stato civile su un servizio cloud qualificato ACN',
  themes: ['infrastrutture.cloud'],
  startYear: 2026,
  endYear: 2027,
  estimatedCost: 45000,
  priority: 'high',
  status: 'planned',
  fundingStatus: 'unfunded',
  fundings: [],
  createdAt: '',
  updatedAt: '',
};
