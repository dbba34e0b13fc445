import type { FastifyInstance } from 'fastify';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';

/** Notified by triggers on every table the territory's answers are computed from (migration 0910). */
export const TERRITORY_CHANGED_CHANNEL = 'territory_changed';
/** Which calls are open depends on the clock as well: an answer is kept a minute at most. */
const MAX_AGE_MS = 60_000;
/** A few answers per province and size class. */
const MAX_ENTRIES = 200;

type Answers = <T>(key: string, compute: () => Promise<T>) => Promise<T>;

/**
 * The territory's answers in memory: they sum the matches of every Lombard comune (millions of rows),
 * are read by each Regione and ANCI page and change when calls, matches, funding or plans do. A key
 * names the answer and its query; `compute` runs on a miss, shared by the requests that wait for it.
 */
export function territoryAnswers(app: FastifyInstance): Answers {
  const cache = new NotifiedCache<unknown>(TERRITORY_CHANGED_CHANNEL, async () => undefined, MAX_ENTRIES, MAX_AGE_MS).attach(app);
  return staleWhileRecomputing((key, compute) => cache.get(key, compute) as Promise<never>);
}

/**
 * On a busy day every plan saved and every rematch drops the answers, and the needs of Lombardy take
 * seconds to sum. One recomputation per answer runs at a time: the reader who starts it waits for it,
 * readers who arrive meanwhile get the previous answer (never older than `MAX_AGE_MS`) instead of each
 * starting their own sum. So an answer is at most one recomputation behind the data, and whoever asks
 * after a change with nothing running gets the change.
 */
export function staleWhileRecomputing(get: Answers, now: () => number = Date.now): Answers {
  const previous = new Map<string, { value: unknown; at: number }>();
  const running = new Map<string, Promise<unknown>>();
  return <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    const known = previous.get(key);
    const usable = known && now() - known.at < MAX_AGE_MS ? known : undefined;
    if (usable && running.has(key)) return Promise.resolve(usable.value as T);
    const startedAt = now();
    const fresh = get(key, compute).then((value) => {
      // As many previous answers as the cache keeps answers: the oldest goes first.
      if (!previous.has(key) && previous.size >= MAX_ENTRIES) previous.delete(previous.keys().next().value!);
      previous.set(key, { value, at: startedAt });
      return value;
    });
    running.set(key, fresh);
    const forget = () => running.get(key) === fresh && running.delete(key);
    fresh.then(forget, forget);
    return fresh;
  };
}
