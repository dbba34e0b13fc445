import type { Transaction } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';

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
