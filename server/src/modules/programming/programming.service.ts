import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { diff, recordAudit } from '../auth/index.ts';
import type { Database, ProgrammingFundingStatus, ProgrammingPriority, ProgrammingStatus } from '../../plugins/db/schema.ts';
import { conflict, notFound, unprocessable } from '../../shared/domain-errors.ts';
import { toProgrammingItem } from './programming.mappers.ts';
import { unknownThemeMessage, unknownThemes } from '../themes/index.ts';
import {
  awardsOfComune,
  deleteItem,
  findItem,
  insertItem,
  itemWithCode,
  lockItemCodes,
  nextItemCode,
  replaceLinks,
  updateItem,
  type ItemColumns,
} from './programming.queries.ts';
import type { ProgrammingItemInput } from './programming.schemas.ts';

/** An item as the user states it, defaults applied: what is compared, stored and audited. */
export interface ItemValues {
  /** Null asks for the current code (an edit) or a generated one (a new item). */
  code: string | null;
  title: string;
  description: string | null;
  themes: string[];
  startYear: number;
  endYear: number;
  estimatedCost: number | null;
  priority: ProgrammingPriority;
  status: ProgrammingStatus;
  fundingStatus: ProgrammingFundingStatus;
  fundingAwardIds: string[];
}

export interface FieldError {
  field: string;
  message: string;
}

export function valuesOf(input: ProgrammingItemInput): ItemValues {
  return {
    code: input.code?.trim() || null,
    title: input.title.trim(),
    description: input.description?.trim() || null,
    themes: [...input.themes].sort(),
    startYear: input.startYear,
    endYear: input.endYear,
    estimatedCost: input.estimatedCost ?? null,
    priority: (input.priority ?? 'medium') as ProgrammingPriority,
    status: (input.status ?? 'planned') as ProgrammingStatus,
    fundingStatus: (input.fundingStatus ?? 'unfunded') as ProgrammingFundingStatus,
    fundingAwardIds: [...(input.fundingAwardIds ?? [])].sort(),
  };
}

type CodedValues = ItemValues & { code: string };

const columnsOf = (v: CodedValues): ItemColumns => ({
  code: v.code,
  title: v.title,
  description: v.description,
  start_year: v.startYear,
  end_year: v.endYear,
  estimated_cost: v.estimatedCost,
  priority: v.priority,
  status: v.status,
  funding_status: v.fundingStatus,
});

/** What the database cannot say in a user's words: years in order, known themes, the comune's own funding. */
export async function checkItem(db: Kysely<Database>, istat: string, v: ItemValues, field: (name: string) => string): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (v.endYear < v.startYear) errors.push({ field: field('endYear'), message: `L'anno di fine (${v.endYear}) precede quello di inizio (${v.startYear}).` });
  if (v.themes.length === 0) errors.push({ field: field('themes'), message: 'Indica almeno un tema.' });
  for (const theme of await unknownThemes(db, v.themes)) errors.push({ field: field('themes'), message: unknownThemeMessage(theme) });
  const awards = new Set((await awardsOfComune(db, istat, v.fundingAwardIds)).map((a) => a.id));
  for (const id of v.fundingAwardIds.filter((a) => !awards.has(a)))
    errors.push({ field: field('fundingAwardIds'), message: `Il finanziamento ${id} non è tra quelli ottenuti dal comune.` });
  return errors;
}

async function assertValid(trx: Transaction<Database>, istat: string, values: CodedValues, id: string | null) {
  const owner = await itemWithCode(trx, istat, values.code);
  if (owner && owner.id !== id) {
    const message = `Il codice ${values.code} è già usato dall'intervento «${owner.title}»: scegline un altro.`;
    throw conflict('PROGRAMMING_CODE_TAKEN', message, [{ field: 'body.code', message }]);
  }
  const errors = await checkItem(trx, istat, values, (name) => `body.${name}`);
  if (errors.length > 0) throw unprocessable('INVALID_PROGRAMMING_ITEM', errors.map((e) => e.message).join(' '), errors);
}

function comparable(row: NonNullable<Awaited<ReturnType<typeof findItem>>>): ItemValues {
  const { id: _id, istat: _istat, fundings, createdAt: _created, updatedAt: _updated, ...values } = toProgrammingItem(row);
  return { ...values, fundingAwardIds: fundings.map((f) => f.id).sort() } as ItemValues;
}

export async function createItem(trx: Transaction<Database>, request: FastifyRequest | null, istat: string, given: ItemValues) {
  await lockItemCodes(trx, istat);
  const values = { ...given, code: given.code ?? (await nextItemCode(trx, istat, given.startYear)) };
  await assertValid(trx, istat, values, null);
  const id = await insertItem(trx, istat, columnsOf(values), request?.principal?.userId ?? null);
  await replaceLinks(trx, id, values.themes, values.fundingAwardIds);
  await recordAudit(trx, request, { action: 'programming.created', entity: 'programming_item', entityId: id, changes: { istat, title: values.title } });
  return toProgrammingItem((await findItem(trx, istat, id))!);
}

/** Returns whether anything changed; an identical item is left untouched (and unaudited). */
export async function replaceItem(trx: Transaction<Database>, request: FastifyRequest | null, istat: string, id: string, given: ItemValues) {
  const before = await findItem(trx, istat, id);
  if (!before) throw notFound('PROGRAMMING_ITEM_NOT_FOUND', 'Intervento non trovato nella programmazione di questo comune.');
  const values = { ...given, code: given.code ?? before.code };
  await assertValid(trx, istat, values, id);
  const changes = diff<Record<string, unknown>>({ ...comparable(before) }, { ...values });
  if (Object.keys(changes).length > 0) {
    await updateItem(trx, id, columnsOf(values), request?.principal?.userId ?? null);
    await replaceLinks(trx, id, values.themes, values.fundingAwardIds);
    await recordAudit(trx, request, { action: 'programming.updated', entity: 'programming_item', entityId: id, changes });
  }
  return { item: toProgrammingItem((await findItem(trx, istat, id))!), changed: Object.keys(changes).length > 0 };
}

export async function removeItem(trx: Transaction<Database>, request: FastifyRequest, istat: string, id: string) {
  const before = await findItem(trx, istat, id);
  if (!before || !(await deleteItem(trx, istat, id)))
    throw notFound('PROGRAMMING_ITEM_NOT_FOUND', 'Intervento non trovato nella programmazione di questo comune.');
  await recordAudit(trx, request, { action: 'programming.deleted', entity: 'programming_item', entityId: id, changes: { istat, title: before.title } });
}
