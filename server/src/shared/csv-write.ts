import { FORMULA_START } from './csv.ts';

/** A number the product formats itself (euros with a decimal comma): written as it is, never neutralised. */
export class CsvFigure {
  constructor(readonly text: string) {}
}

export type CsvCell = string | number | null | CsvFigure;

const quoted = (value: string) => (/[";\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * Text from data that a spreadsheet would run as a formula is written as text with a leading `'`, as
 * OWASP advises (https://owasp.org/www-community/attacks/CSV_Injection); `unneutralised` reads it back.
 * Numbers are left alone: `-5` is a value, not a formula.
 */
function cell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (value instanceof CsvFigure) return value.text;
  return quoted(FORMULA_START.test(value) ? `'${value}` : value);
}

/** `;`-separated UTF-8 with a BOM and CRLF, the way spreadsheet programs set to Italian open it. */
export function toCsv(headers: readonly string[], rows: readonly CsvCell[][]): string {
  const lines = rows.map((row) => row.map(cell).join(';'));
  return '\uFEFF' + [headers.join(';'), ...lines].join('\r\n') + '\r\n';
}

/** Euros with a decimal comma, as Italian spreadsheets read them. */
export const csvEuros = (value: number | null) => (value === null ? null : new CsvFigure(value.toFixed(2).replace('.', ',')));

/** A column for exports of calls, so that a spreadsheet tells the demo catalogue (`seed demo`) from real calls. */
export const DEMO_CSV_HEADER = 'Dimostrativo';
export const csvDemo = (demo: boolean) => (demo ? 'sì' : 'no');
