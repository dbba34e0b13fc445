import type { FastifyInstance } from 'fastify';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';
import { COMUNI_CHANGED_CHANNEL } from './comuni.changes.ts';
import { listComuni, type ComuneFilter } from './comuni.queries.ts';

/** "Scegli il tuo comune" asks for a name prefix at each keystroke: a few thousand distinct lists. */
const MAX_QUERIES = 5000;

export type ComuneListPage = Awaited<ReturnType<typeof listComuni>>;

/**
 * Lists of comuni by query, in memory: the registry changes with an import or an aggregation, which
 * notify `*` and drop them all; a profile change names one comune, which is no list's key.
 */
export function registerComuneListCache(app: FastifyInstance): void {
  const cache = new NotifiedCache<ComuneListPage>(
    COMUNI_CHANGED_CHANNEL,
    async (key) => listComuni(await app.readReplica.fresh(), JSON.parse(key) as ComuneFilter),
    MAX_QUERIES,
  );
  // The process that imported or changed an aggregation drops its lists before it answers.
  app.decorate('comuneListCache', cache.attach(app, { readsReplica: true }).dropOnWrites(app, /^\/api\/v1\/(imports|aggregations)(\/|\?|$)/));
}
