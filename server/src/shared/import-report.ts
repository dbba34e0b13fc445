import type { Transaction } from 'kysely';
import type { Database } from '../plugins/db/schema.ts';

export interface ImportOptions {
  /** Runs inside the import's transaction once the report is known (e.g. to write the audit entry). */
  beforeCommit?: (trx: Transaction<Database>, report: ImportReport) => Promise<void>;
}

export interface ImportReport {
  format: string;
  encoding: string;
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Rows standing for the same record as a newer row of the same file (older snapshots). */
  superseded: number;
  rejected: { line: number; reason: string }[];
}

export const emptyReport = (format: string, encoding: string): ImportReport => ({
  format,
  encoding,
  read: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  superseded: 0,
  rejected: [],
});

/** A row the importer skips, with the reason shown to the user. */
export class RowError extends Error {}

/** A cell as quoted in a reason: enough to find it in the file, never the whole of a huge one. */
export function shown(value: string): string {
  return value.length > 60 ? `"${value.slice(0, 60)}…" (${value.length} caratteri)` : `"${value}"`;
}

/** A trimmed cell that must fit its column: a longer text rejects the row instead of failing the import. */
export function boundedText(value: string, what: string, max: number): string {
  const text = value.trim();
  if (text.length > max) throw new RowError(`${what} supera i ${max} caratteri: ${shown(text)}`);
  return text;
}

/** The largest value of a PostgreSQL `integer` column. */
export const MAX_INTEGER = 2_147_483_647;
