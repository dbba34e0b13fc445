import type { RenderedPage } from '../../plugins/rendered-pages.ts';
import type { FastifyInstance } from 'fastify';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';
import { toSummary, type Summary } from './applications.mappers.ts';
import { listSummaries, type SummaryFilter } from './applications.queries.ts';

/** Notified by the trigger on applications (migration 1530), which a step's change fires too by rewriting its application's next step: the comuni touched, or `*`. */
const APPLICATIONS_CHANGED_CHANNEL = 'applications_changed';
/** A comune's list and an office's board are read with a few filters each. */
const MAX_LISTS = 2000;

export interface ApplicationList {
  items: Summary[];
  total: number;
  /** Its pages as sent, by URL: an office's board is a hundred rows to serialise on every read. */
  rendered: Map<string, RenderedPage>;
}

export interface ApplicationListCache {
  /** The page of applications `filter` asks for, with overdue flags as of `today`. */
  get(filter: SummaryFilter, today: string): Promise<ApplicationList>;
}

/**
 * The applications' lists in memory, by comuni and filters: an office's board is every application of
 * the comuni it serves, sorted by next step, and is read far more often than a step is ticked. Each
 * list is dropped when an application or a step of one of its comuni changes, in any process; the
 * process that wrote drops them all before it answers, so the writer's next click sees the change.
 * `today` is part of the key: a new day flags other steps as overdue.
 */
export function registerApplicationListCache(app: FastifyInstance): void {
  const cache = new NotifiedCache<ApplicationList>(
    APPLICATIONS_CHANGED_CHANNEL,
    async (key) => {
      const { filter, today } = JSON.parse(key.slice(key.indexOf('|') + 1)) as { filter: SummaryFilter; today: string };
      const rows = await listSummaries(app.db, filter, today);
      return { items: rows.map(toSummary), total: rows[0]?.total ?? 0, rendered: new Map() };
    },
    MAX_LISTS,
    undefined,
    {
      dependsOn: (key) => {
        const comuni = key.slice(0, key.indexOf('|'));
        return comuni === 'all' ? 'every' : comuni.split(',');
      },
    },
  )
    .attach(app)
    .dropOnWrites(app, /^\/api\/v1\/(comuni\/[0-9]{6}\/applications|applications|imports)(\/|\?|$)/);
  const lists: ApplicationListCache = {
    get: async (filter, today) => {
      const comuni = filter.comuni === 'all' ? 'all' : [...filter.comuni].sort();
      const status = filter.status && [...filter.status].sort();
      const key = `${comuni === 'all' ? 'all' : comuni.join(',')}|${JSON.stringify({ filter: { ...filter, comuni, status }, today })}`;
      return (await cache.get(key))!;
    },
  };
  app.decorate('applicationListCache', lists);
}
