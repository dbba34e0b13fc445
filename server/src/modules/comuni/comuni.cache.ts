import type { RenderedPage } from '../../plugins/rendered-pages.ts';
import type { FastifyInstance } from 'fastify';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';
import { COMUNI_CHANGED_CHANNEL } from './comuni.changes.ts';
import { listComuni, type ComuneFilter } from './comuni.queries.ts';

/** "Scegli il tuo comune" asks for a name prefix at each keystroke: a few thousand distinct lists. */
const MAX_QUERIES = 5000;

type ComuneRow = Awaited<ReturnType<typeof listComuni>>['items'][number];

const toListedComune = (c: ComuneRow) => ({
  istat: c.istat,
  name: c.name,
  provinceSigla: c.province_sigla,
  regionCode: c.region_code,
  legalPopulation: c.legal_population,
  sizeClass: c.size_class,
});

export interface ComuneListPage {
  items: ReturnType<typeof toListedComune>[];
  total: number;
  /** Its pages as sent, by URL (plugins/rendered-pages.ts). */
  rendered: Map<string, RenderedPage>;
}

/**
 * Lists of comuni by query, in memory: the registry changes with an import or an aggregation, which
 * notify `*` and drop them all; a profile change names one comune, which is no list's key.
 */
export function registerComuneListCache(app: FastifyInstance): void {
  const cache = new NotifiedCache<ComuneListPage>(
    COMUNI_CHANGED_CHANNEL,
    async (key) => {
      const { items, total } = await listComuni(await app.readReplica.fresh(), JSON.parse(key) as ComuneFilter);
      return { items: items.map(toListedComune), total, rendered: new Map() };
    },
    MAX_QUERIES,
  );
  // The process that imported or changed an aggregation drops its lists before it answers.
  app.decorate('comuneListCache', cache.attach(app, { readsReplica: true }).dropOnWrites(app, /^\/api\/v1\/(imports|aggregations)(\/|\?|$)/));
}
