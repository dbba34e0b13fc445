import { sql, type SelectQueryBuilder } from 'kysely';

/** A page of a list: which slice of the filtered rows to read. */
export interface PageWindow {
  limit: number;
  offset: number;
}

/** What the rows query of a page has to offer: a window and an execution. */
interface Windowable<Row> {
  limit(limit: number): { offset(offset: number): { execute(): Promise<Row[]> } };
}

/**
 * One page of a filtered query and the size of the whole filter, read side by side: `rows` adds the
 * columns and the order to the filtered query, the count reads the same filter.
 */
export async function pageRows<DB, TB extends keyof DB, O, Row>(
  filtered: SelectQueryBuilder<DB, TB, O>,
  rows: (filtered: SelectQueryBuilder<DB, TB, O>) => Windowable<Row>,
  window: PageWindow,
): Promise<{ items: Row[]; total: number }> {
  const [items, count] = await Promise.all([
    rows(filtered).limit(window.limit).offset(window.offset).execute(),
    filtered
      .clearSelect()
      .select(sql<string>`count(*)`.as('total'))
      .executeTakeFirstOrThrow() as Promise<{ total: string }>,
  ]);
  return { items, total: Number(count.total) };
}
