import type { FastifyInstance } from 'fastify';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';
import { COMUNI_CHANGED_CHANNEL } from '../comuni/index.ts';
import { fundingHistoryQueries, type FundingHistory } from './outcomes.queries.ts';

/** The registry, and each measure's and avviso's applications and editions: an entry per call title at most. */
const MAX_PARTS = 20_000;

/**
 * The funding history as matching reads it for every comune (who applied to each measure and avviso,
 * the editions, the comuni by province and size class), in memory: each checklist and each
 * opportunities list used to aggregate thousands of awards of its call's measure. It changes only with
 * a funding-history, ISTAT or IPA import, which notify `comuni_changed` with `*` and drop it all;
 * a single comune's notification (its profile, its programming) names no key here.
 */
export function registerFundingHistoryCache(app: FastifyInstance): void {
  const cache = new NotifiedCache<unknown>(COMUNI_CHANGED_CHANNEL, async () => undefined, MAX_PARTS);
  // The process that imported drops its copy before it answers, as the comuni lists do.
  cache.attach(app, { readsReplica: true }).dropOnWrites(app, /^\/api\/v1\/imports(\/|\?|$)/);
  const part = <T>(key: string, load: (db: FastifyInstance['db']) => Promise<T>) =>
    cache.get(key, async () => load(await app.readReplica.fresh())) as Promise<T>;
  const history: FundingHistory = {
    registry: () => part('registry', (db) => fundingHistoryQueries.registry(db)),
    measureApplications: (measure) => part(`measure:${measure}`, (db) => fundingHistoryQueries.applications(db, { measure })),
    avvisoApplications: (key) => part(`avviso:${key}`, (db) => fundingHistoryQueries.applications(db, { key })),
    editions: (measure) => part(`editions:${measure}`, (db) => fundingHistoryQueries.editions(db, measure)),
  };
  app.decorate('fundingHistory', history);
}
