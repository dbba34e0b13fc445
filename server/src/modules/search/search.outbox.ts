import { notifySearchChanged } from './search.cache.ts';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import type { SearchEngine } from '../../plugins/search/engine.ts';
import { loadCallDocuments } from './search.documents.ts';

const MAX_BACKOFF_SECONDS = 300;

export interface DrainReport {
  indexed: number;
  removed: number;
  failed: number;
}

/**
 * Moves pending changes into the engine. Rows are claimed with SKIP LOCKED, so several processes can
 * drain together; when the engine fails the rows stay pending and are retried with a growing delay.
 */
export async function drainSearchOutbox(db: Kysely<Database>, engine: SearchEngine, batchSize = 500): Promise<DrainReport> {
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .selectFrom('search_outbox')
      .select(['id', 'call_id'])
      .where('processed_at', 'is', null)
      .where('next_attempt_at', '<=', sql<Date>`now()`)
      .orderBy('id')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    if (claimed.length === 0) return { indexed: 0, removed: 0, failed: 0 };
    const ids = [...new Set(claimed.map((row) => row.call_id))];
    const rowIds = claimed.map((row) => row.id);
    try {
      const documents = await loadCallDocuments(trx, ids);
      const gone = ids.filter((id) => !documents.some((d) => d.id === id));
      await engine.index(documents);
      await engine.remove(gone);
      await trx
        .updateTable('search_outbox')
        .set({ processed_at: sql`now()`, last_error: null })
        .where('id', 'in', rowIds)
        .execute();
      await notifySearchChanged(trx);
      return { indexed: documents.length, removed: gone.length, failed: 0 };
    } catch (error) {
      await trx
        .updateTable('search_outbox')
        .set({
          attempts: sql`attempts + 1`,
          next_attempt_at: sql`now() + make_interval(secs => least(power(2, attempts), ${MAX_BACKOFF_SECONDS}))`,
          last_error: error instanceof Error ? error.message.slice(0, 500) : String(error),
        })
        .where('id', 'in', rowIds)
        .execute();
      return { indexed: 0, removed: 0, failed: ids.length };
    }
  });
}

export async function searchLag(db: Kysely<Database>) {
  const row = await db
    .selectFrom('search_outbox')
    .select((eb) => [eb.fn.countAll<number>().as('pending'), sql<number | null>`extract(epoch from now() - min(created_at))::float8`.as('oldest')])
    .where('processed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { pending: row.pending, oldestPendingSeconds: row.oldest === null ? null : Math.round(row.oldest) };
}

/**
 * Rebuilds the engine's index from every call. A change made meanwhile may have been drained into the
 * index that the rebuild then replaces, so every outbox row after the watermark is drained again.
 */
export async function reindexAll(db: Kysely<Database>, engine: SearchEngine): Promise<{ documents: number; seconds: number }> {
  const started = performance.now();
  const watermark = await db
    .selectFrom('search_outbox')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirstOrThrow();
  const after = watermark.max === null ? 0 : Number(watermark.max);
  const documents = await loadCallDocuments(db);
  await engine.reindex(documents);
  await notifySearchChanged(db);
  await db
    .updateTable('search_outbox')
    .set({ processed_at: null, next_attempt_at: sql`now()`, attempts: 0 })
    .where('id', '>', after)
    .where('processed_at', 'is not', null)
    .execute();
  await db
    .updateTable('search_outbox')
    .set({ processed_at: sql`now()` })
    .where('processed_at', 'is', null)
    .where('id', '<=', after)
    .execute();
  return { documents: documents.length, seconds: Math.round((performance.now() - started) / 10) / 100 };
}

/** Queues again the calls whose stored status the engine says is out of date; how many. */
export async function requeueStaleStatuses(db: Kysely<Database>, engine: SearchEngine, now: Date): Promise<number> {
  const ids = await engine.staleIds(now);
  if (ids.length > 0)
    await db
      .insertInto('search_outbox')
      .values(ids.map((call_id) => ({ call_id })))
      .execute();
  return ids.length;
}
