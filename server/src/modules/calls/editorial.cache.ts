import type { FastifyInstance } from 'fastify';
import { NotifiedCache, queryKey } from '../../plugins/db/notified-cache.ts';
import { STATUS_LAG_MS } from '../../shared/call-status.ts';
import { CALL_WRITES } from './calls.cache.ts';
import { toEditorialCallSummary } from './calls.mappers.ts';
import { listCalls, type CallFilter } from './calls.queries.ts';
import { queueCounts, type EditorialQueue } from './editorial.queues.ts';

/** Notified by triggers on calls and everything their lists show (migration 1700). */
export const EDITORIAL_CALLS_CHANGED_CHANNEL = 'editorial_calls_changed';
/** A few editors, each with a few lists and filters. */
const MAX_ANSWERS = 200;

export interface EditorialList {
  items: ReturnType<typeof toEditorialCallSummary>[];
  total: number;
}
export type QueueCounts = Record<EditorialQueue, number>;

export interface EditorialCache {
  list(filter: CallFilter): Promise<EditorialList>;
  counts(): Promise<QueueCounts>;
}

/**
 * The editors' lists and counts, in memory: each works out a status and a deadline for every call,
 * and editors reload them far more often than they save. Every process drops them on any change to
 * a call; statuses move with the clock, so an answer is reused for STATUS_LAG_MS at most. Read from
 * the primary: an editor's next click sees their own save.
 */
export function registerEditorialCache(app: FastifyInstance): void {
  const cache = new NotifiedCache<EditorialList | QueueCounts>(EDITORIAL_CALLS_CHANGED_CHANNEL, async () => undefined, MAX_ANSWERS, STATUS_LAG_MS)
    .attach(app)
    .dropOnWrites(app, CALL_WRITES);
  const list = async (filter: CallFilter) => {
    const { items, total } = await listCalls(app.db, filter, app.clock());
    return { items: items.map(toEditorialCallSummary), total };
  };
  app.decorate('editorialCache', {
    list: async (filter) => (await cache.get(`list:${queryKey(filter)}`, () => list(filter))) as EditorialList,
    counts: async () => (await cache.get('counts', () => queueCounts(app.db))) as QueueCounts,
  } satisfies EditorialCache);
}
