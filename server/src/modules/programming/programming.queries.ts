import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database, ProgrammingFundingStatus, ProgrammingItemsTable, ProgrammingStatus } from '../../plugins/db/schema.ts';
import { pageRows } from '../../plugins/db/page-rows.ts';

type Db = Kysely<Database>;

export interface ItemFunding {
  id: string;
  avviso: string;
  measureCode: string;
  amount: number;
  cup: string | null;
  status: string;
}

/** Items with their themes and linked funding, in one query. */
function selectItems(db: Db, istat: string) {
  return db
    .selectFrom('programming_items as p')
    .selectAll('p')
    .select(
      sql<string[]>`coalesce((select array_agg(t.theme_code order by t.theme_code) from programming_item_themes t where t.item_id = p.id), '{}')`.as('themes'),
    )
    .select(
      sql<ItemFunding[]>`coalesce((
        select json_agg(json_build_object('id', f.id, 'avviso', f.avviso, 'measureCode', f.measure_code, 'amount', f.amount, 'cup', f.cup, 'status', f.status) order by f.funded_on, f.avviso)
          from programming_item_fundings l join funding_awards f on f.id = l.funding_award_id where l.item_id = p.id
      ), '[]'::json)`.as('fundings'),
    )
    .where('p.comune_istat', '=', istat);
}

export type ItemRow = Awaited<ReturnType<ReturnType<typeof selectItems>['executeTakeFirstOrThrow']>>;

export interface ItemFilter {
  status?: string | undefined;
  fundingStatus?: string | undefined;
  theme?: string | undefined;
  year?: number | undefined;
  limit: number;
  offset: number;
}

export async function listItems(db: Db, istat: string, filter: ItemFilter) {
  let query = selectItems(db, istat);
  if (filter.status) query = query.where('p.status', '=', filter.status as ProgrammingStatus);
  if (filter.fundingStatus) query = query.where('p.funding_status', '=', filter.fundingStatus as ProgrammingFundingStatus);
  if (filter.year) query = query.where('p.start_year', '<=', filter.year).where('p.end_year', '>=', filter.year);
  if (filter.theme) {
    const theme = filter.theme;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('programming_item_themes as t')
          .select('t.item_id')
          .whereRef('t.item_id', '=', 'p.id')
          .where((w) => w.or([w('t.theme_code', '=', theme), w('t.theme_code', 'like', `${theme.replace(/[%_\\]/g, '\\$&')}.%`)])),
      ),
    );
  }
  return pageRows(
    query,
    (q) =>
      q
        .orderBy('p.start_year')
        .orderBy(sql`array_position(array['high', 'medium', 'low'], p.priority)`)
        .orderBy('p.title')
        .orderBy('p.id'),
    filter,
  );
}

export const findItem = (db: Db, istat: string, id: string) => selectItems(db, istat).where('p.id', '=', id).executeTakeFirst();

export const allItems = (db: Db, istat: string) => selectItems(db, istat).orderBy('p.start_year').orderBy('p.code').orderBy('p.title').execute();

/** Codes the product gives items added without one: "PT-2026-03" (Piano Triennale, start year, number). */
export const GENERATED_CODE_PREFIX = 'PT';

/** Serialises the writes that pick codes for a comune's items, so two new items never take the same one. */
export async function lockItemCodes(trx: Transaction<Database>, istat: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`programming_items:${istat}`}))`.execute(trx);
}

/** The comune's next free generated code for items starting in `year`, after the highest one taken. */
export async function nextItemCode(trx: Transaction<Database>, istat: string, year: number): Promise<string> {
  const prefix = `${GENERATED_CODE_PREFIX}-${year}-`;
  const { rows } = await sql<{ taken: string | null }>`
    select max(substring(code from '^[A-Z]+-[0-9]{4}-([0-9]{1,9})$')::bigint) as taken
      from programming_items where comune_istat = ${istat} and starts_with(code, ${prefix})
  `.execute(trx);
  return `${prefix}${String(Number(rows[0]?.taken ?? 0) + 1).padStart(2, '0')}`;
}

/** The comune's item that already uses `code`, if any. */
export const itemWithCode = (db: Db, istat: string, code: string) =>
  db.selectFrom('programming_items').select(['id', 'title']).where('comune_istat', '=', istat).where('code', '=', code).executeTakeFirst();

export type ItemColumns = Omit<Insertable<ProgrammingItemsTable>, 'id' | 'comune_istat' | 'created_at' | 'updated_at' | 'created_by'>;

export async function insertItem(db: Db, istat: string, columns: ItemColumns, userId: string | null): Promise<string> {
  const row = await db
    .insertInto('programming_items')
    .values({ ...columns, comune_istat: istat, created_by: userId, updated_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateItem(db: Db, id: string, columns: ItemColumns, userId: string | null): Promise<void> {
  await db
    .updateTable('programming_items')
    .set({ ...columns, updated_by: userId, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export async function replaceLinks(db: Db, id: string, themes: string[], fundingAwardIds: string[]): Promise<void> {
  await db.deleteFrom('programming_item_themes').where('item_id', '=', id).execute();
  if (themes.length > 0)
    await db
      .insertInto('programming_item_themes')
      .values(themes.map((theme_code) => ({ item_id: id, theme_code })))
      .execute();
  await db.deleteFrom('programming_item_fundings').where('item_id', '=', id).execute();
  if (fundingAwardIds.length > 0)
    await db
      .insertInto('programming_item_fundings')
      .values(fundingAwardIds.map((funding_award_id) => ({ item_id: id, funding_award_id })))
      .execute();
}

export async function deleteItem(db: Db, istat: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('programming_items').where('id', '=', id).where('comune_istat', '=', istat).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Awards of this comune among the given ids; an id of another comune's award is not found. */
export async function awardsOfComune(db: Db, istat: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('funding_awards').select(['id', 'cup']).where('comune_istat', '=', istat).where('id', 'in', ids).execute();
}

export async function awardIdsByCup(db: Db, istat: string) {
  const rows = await db.selectFrom('funding_awards').select(['id', 'cup']).where('comune_istat', '=', istat).where('cup', 'is not', null).execute();
  return new Map(rows.map((r) => [r.cup!, r.id]));
}
