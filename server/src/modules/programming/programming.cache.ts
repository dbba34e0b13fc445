import type { FastifyInstance } from 'fastify';
import { NotifiedCache, queryKey } from '../../plugins/db/notified-cache.ts';
import { COMUNI_CHANGED_CHANNEL } from '../comuni/index.ts';
import { toProgrammingItem } from './programming.mappers.ts';
import { listItems, type ItemFilter } from './programming.queries.ts';

/** Comuni whose plans are being read at once, a few filters each. */
const MAX_LISTS = 2000;

export interface ProgrammingList {
  items: ReturnType<typeof toProgrammingItem>[];
  total: number;
}

export interface ProgrammingListCache {
  get(istat: string, filter: ItemFilter): Promise<ProgrammingList>;
  /** The comune's plan changed: called by the process that wrote, before it answers. */
  invalidate(istat: string): void;
}

/**
 * Each comune's plan in memory, by filters: the RTD opens it on every visit and changes it a few times
 * a year. Every write to a plan notifies `comuni_changed` with the comune, whoever writes (triggers of
 * migration 1710; a funding-history import, whose awards the items link to, with `*`).
 */
export function registerProgrammingListCache(app: FastifyInstance): void {
  const cache = new NotifiedCache<ProgrammingList>(
    COMUNI_CHANGED_CHANNEL,
    async (key) => {
      const istat = key.slice(0, key.indexOf('|'));
      const { items, total } = await listItems(app.db, istat, JSON.parse(key.slice(key.indexOf('|') + 1)) as ItemFilter);
      return { items: items.map(toProgrammingItem), total };
    },
    MAX_LISTS,
    undefined,
    { dependsOn: (key) => [key.slice(0, key.indexOf('|'))] },
  )
    .attach(app)
    .dropOnWrites(app, /^\/api\/v1\/imports(\/|\?|$)/);
  const lists: ProgrammingListCache = {
    get: async (istat, filter) => (await cache.get(`${istat}|${queryKey(filter)}`))!,
    invalidate: (istat) => cache.invalidate(istat),
  };
  app.decorate('programmingListCache', lists);
}
