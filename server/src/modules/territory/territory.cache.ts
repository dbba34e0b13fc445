import type { FastifyInstance } from 'fastify';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';

/** Notified by triggers on every table the territory's answers are computed from (migration 0910). */
export const TERRITORY_CHANGED_CHANNEL = 'territory_changed';
/** Which calls are open depends on the clock as well: an answer is kept a minute at most. */
const MAX_AGE_MS = 60_000;
/** A few answers per province and size class. */
const MAX_ENTRIES = 200;

/**
 * The territory's answers in memory: they sum the matches of every Lombard comune (millions of rows),
 * are read by each Regione and ANCI page and change when calls, matches, funding or plans do. A key
 * names the answer and its query; `compute` runs on a miss, shared by the requests that wait for it.
 */
export function territoryAnswers(app: FastifyInstance) {
  const cache = new NotifiedCache<unknown>(TERRITORY_CHANGED_CHANNEL, async () => undefined, MAX_ENTRIES, MAX_AGE_MS).attach(app);
  return <T>(key: string, compute: () => Promise<T>) => cache.get(key, compute) as Promise<T>;
}
