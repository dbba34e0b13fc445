import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { unprocessable } from '../../shared/domain-errors.ts';
import { decodeText, parseCsv, sniffDelimiter, unneutralised } from '../../shared/csv.ts';
import { emptyReport, RowError, type ImportOptions, type ImportReport } from '../../shared/import-report.ts';
import { COLUMNS, missingColumns, parseItemRow } from './programming.csv.ts';
import { allItems, awardIdsByCup, lockItemCodes } from './programming.queries.ts';
import { checkItem, createItem, replaceItem } from './programming.service.ts';

/**
 * Bulk import of a comune's plan from the CSV template, in one transaction. Rows are matched to
 * existing items by `codice`: new codes create items, known ones update them, identical ones are left
 * alone; items absent from the file stay as they are.
 */
export async function importProgramming(
  db: Kysely<Database>,
  request: FastifyRequest | null,
  istat: string,
  bytes: Uint8Array,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const { text, encoding } = decodeText(bytes);
  const [headerRow, ...rows] = parseCsv(text, sniffDelimiter(text));
  if (!headerRow) throw unprocessable('EMPTY_FILE', 'Il file è vuoto.');
  const header = headerRow.values.map((h) => h.trim().toLowerCase());
  if (!header.includes('titolo') && !header.includes('codice')) {
    throw unprocessable(
      'UNKNOWN_FILE_FORMAT',
      'Il file non segue il modello CSV della programmazione (colonne codice, titolo, temi, anno_inizio, anno_fine, ...).',
    );
  }
  const missing = missingColumns(header);
  if (missing.length > 0) throw unprocessable('MISSING_COLUMNS', `Mancano colonne obbligatorie: ${missing.join(', ')}.`);
  const index = new Map(header.map((h, i) => [h, i]));
  const report = emptyReport('programmazione-csv', encoding);

  await db.transaction().execute(async (trx) => {
    // Taken before reading the codes: an item added meanwhile through the form cannot take a code of the file.
    await lockItemCodes(trx, istat);
    const plan: Plan = {
      existing: new Map((await allItems(trx, istat)).map((item) => [item.code, item.id])),
      awardByCup: await awardIdsByCup(trx, istat),
      seen: new Set(),
    };
    for (const row of rows) {
      report.read++;
      try {
        report[await importRow(trx, request, istat, plan, row.values.map(unneutralised), index)]++;
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        report.rejected.push({ line: row.line, reason: error.message });
      }
    }
    await options.beforeCommit?.(trx, report);
  });
  return report;
}

interface Plan {
  /** Item ids by code, as the comune's plan was before the import. */
  existing: Map<string, string>;
  awardByCup: Map<string, string>;
  /** Codes of the rows read so far. */
  seen: Set<string>;
}

/** One row of the file applied to the plan. Every check comes before the first write: a rejected row writes nothing. */
async function importRow(trx: Transaction<Database>, request: FastifyRequest | null, istat: string, plan: Plan, cells: string[], index: Map<string, number>) {
  // The export wrote formulas as text (`'=...`): `cells` are already read back to what was exported.
  const { values, cups } = parseItemRow((name: (typeof COLUMNS)[number]) => cells[index.get(name) ?? -1] ?? '');
  const code = values.code!;
  if (plan.seen.has(code)) throw new RowError(`codice ${code} ripetuto nel file`);
  plan.seen.add(code);
  const unknownCup = cups.find((cup) => !plan.awardByCup.has(cup));
  if (unknownCup) throw new RowError(`il CUP ${unknownCup} non è tra i finanziamenti ottenuti dal comune`);
  const item = { ...values, fundingAwardIds: cups.map((cup) => plan.awardByCup.get(cup)!).sort() };
  const errors = await checkItem(trx, istat, item, (name) => name);
  if (errors.length > 0) throw new RowError(errors.map((e) => e.message).join(' '));
  const id = plan.existing.get(code);
  if (!id) {
    await createItem(trx, request, istat, item);
    return 'created' as const;
  }
  return (await replaceItem(trx, request, istat, id, item)).changed ? ('updated' as const) : ('unchanged' as const);
}
