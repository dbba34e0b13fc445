import type { FastifyInstance } from 'fastify';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { intervalWorker } from '../../plugins/interval-worker.ts';
import { claimCallEvents, markCallEventsHandled } from '../calls/index.ts';
import { matchCall, rematchComuni } from './matching.service.ts';
import { MATCHES_CHANGED_CHANNEL } from './opportunities.cache.ts';

/**
 * Runs a change to the matches in one transaction; this process drops the cached lists it names at
 * once (`*`: all), the others when the triggers' notifications reach them (migration 0950).
 */
async function changingMatches(app: FastifyInstance, work: (trx: Transaction<Database>) => Promise<{ changed: number; keys: string[] }>): Promise<number> {
  const { changed, keys } = await app.db.transaction().execute(work);
  for (const key of changed > 0 ? keys : []) {
    app.opportunitiesCache.invalidate(key);
    app.publicOpportunitiesCache.invalidate(key);
    app.nearMissCache.invalidate(key);
  }
  return changed;
}

/** Consumes the calls' domain events: a published or changed call is matched again, a withdrawn one loses its matches. */
export function processCallEvents(app: FastifyInstance): Promise<number> {
  return changingMatches(app, async (trx) => {
    const events = await claimCallEvents(trx, 'matching', 50);
    for (const callId of new Set(events.map((e) => e.call_id))) await matchCall(trx, callId, app.clock());
    await markCallEventsHandled(
      trx,
      'matching',
      events.map((e) => e.id),
    );
    return { changed: events.length, keys: ['*'] };
  });
}

/** Consumes the comuni whose plan, interests, funding or aggregations changed. */
export function processRematchQueue(app: FastifyInstance): Promise<number> {
  return changingMatches(app, async (trx) => {
    const queued = await trx
      .selectFrom('rematch_queue')
      .select(['id', 'comune_istat'])
      .where('processed_at', 'is', null)
      .orderBy('id')
      .limit(500)
      .forUpdate()
      .skipLocked()
      .execute();
    if (queued.length === 0) return { changed: 0, keys: [] };
    const comuni = [...new Set(queued.map((q) => q.comune_istat))];
    await rematchComuni(trx, comuni, app.clock());
    // Near misses can change with no stored match changing (none before, none after): say it anyway.
    await sql`select pg_notify(${MATCHES_CHANGED_CHANNEL}, istat) from unnest(${comuni}::text[]) istat`.execute(trx);
    await trx
      .updateTable('rematch_queue')
      .set({ processed_at: sql`now()` })
      .where(
        'id',
        'in',
        queued.map((q) => q.id),
      )
      .execute();
    return { changed: queued.length, keys: comuni };
  });
}

/** Works through every pending call event and queued comune, e.g. after the demo catalogue was loaded. */
export async function catchUpMatching(app: FastifyInstance): Promise<void> {
  while ((await processCallEvents(app)) > 0);
  while ((await processRematchQueue(app)) > 0);
}

/** Follows call events and changed comuni once a second while started. */
export function matchingWorker(app: FastifyInstance) {
  return intervalWorker(app, 'matching', 1000, async () => {
    await processCallEvents(app);
    await processRematchQueue(app);
  });
}
