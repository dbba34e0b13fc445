import { decodeText, parseCsv, sniffDelimiter } from '../../../shared/csv.ts';
import { ItemError } from '../ingest.connector.ts';

/** A CSV file as records keyed by (trimmed, BOM-free) header; each record remembers its line. */
export function csvRecords(payload: Uint8Array, required: string[]): Record<string, string>[] {
  const { text } = decodeText(payload);
  const [header, ...rows] = parseCsv(text, sniffDelimiter(text));
  if (!header) throw new ItemError('il file è vuoto');
  const names = header.values.map((h) => h.replace(/^\uFEFF/, '').trim());
  const missing = required.filter((column) => !names.includes(column));
  if (missing.length > 0) throw new ItemError(`mancano le colonne: ${missing.join(', ')}`);
  return rows.map((row) => ({ ...Object.fromEntries(names.map((name, i) => [name, row.values[i] ?? ''])), _line: String(row.line) }));
}
