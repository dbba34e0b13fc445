import type { RenderedPage } from '../../plugins/rendered-pages.ts';
import type { FastifyInstance } from 'fastify';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';
import { STATUS_LAG_MS } from '../../shared/call-status.ts';
import { toCallSummary } from './calls.mappers.ts';
import { listCalls, type CallFilter } from './calls.queries.ts';

/** Notified by the trigger on `calls` (migration 0950) whenever a published call is written. */
export const PUBLISHED_CALLS_CHANGED_CHANNEL = 'published_calls_changed';
/**
 * The writes that can change a call, as the process that made them sees them: anything under calls,
 * editorial and ingest, except a reader's feedback on a call and a match preview, which change none.
 */
export const CALL_WRITES = /^\/api\/v1\/(calls|editorial|ingest)(?![^?]*\/(feedback|match-preview)(\?|$))(\/|\?|$)/;

/** The catalogue is browsed with a few filter combinations; its pages past the first are rarer. */
const MAX_QUERIES = 500;

export type CatalogueQuery = Omit<CallFilter, 'editorialStatus' | 'queue'>;
export interface CataloguePage {
  items: ReturnType<typeof toCallSummary>[];
  total: number;
  /** Its pages as sent, by URL (plugins/rendered-pages.ts). */
  rendered: Map<string, RenderedPage>;
}

/**
 * The public catalogue's pages by query, in memory: every visitor's first screen, and a list that
 * changes a few times a day. Every process drops it when a published call is written; statuses move
 * with the clock, so an answer is also reused for STATUS_LAG_MS at most.
 */
export function registerCatalogueCache(app: FastifyInstance): void {
  const cache = new NotifiedCache<CataloguePage>(
    PUBLISHED_CALLS_CHANGED_CHANNEL,
    async (key) => {
      const filter = { ...(JSON.parse(key) as CatalogueQuery), editorialStatus: ['published' as const] };
      const { items, total } = await listCalls(await app.readReplica.fresh(), filter, app.clock());
      return { items: items.map(toCallSummary), total, rendered: new Map() };
    },
    MAX_QUERIES,
    STATUS_LAG_MS,
  );
  // Whoever published a call finds it in the catalogue on their next click.
  app.decorate('catalogueCache', cache.attach(app, { readsReplica: true }).dropOnWrites(app, CALL_WRITES));
}
