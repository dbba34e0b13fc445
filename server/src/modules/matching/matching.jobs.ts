import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { intervalWorker } from '../../plugins/interval-worker.ts';
import { matchCall, rematchComuni } from './matching.service.ts';

/** Consumes the calls' domain events: a published or changed call is matched again, a withdrawn one loses its matches. */
export async function processCallEvents(app: FastifyInstance): Promise<number> {
  return app.db.transaction().execute(async (trx) => {
    const events = await trx.selectFrom('call_events').select(['id', 'call_id']).where('processed_at', 'is', null).orderBy('id').limit(50).forUpdate().skipLocked().execute();
    for (const callId of new Set(events.map((e) => e.call_id))) await matchCall(trx, callId, { now: new Date(), soonDays: app.config.deadlineSoonDays });
    if (events.length > 0) await trx.updateTable('call_events').set({ processed_at: sql`now()` }).where('id', 'in', events.map((e) => e.id)).execute();
    return events.length;
  });
}

/** Consumes the comuni whose plan, interests, funding or aggregations changed. */
export async function processRematchQueue(app: FastifyInstance): Promise<number> {
  return app.db.transaction().execute(async (trx) => {
    const queued = await trx.selectFrom('rematch_queue').select(['id', 'comune_istat']).where('processed_at', 'is', null).orderBy('id').limit(500).forUpdate().skipLocked().execute();
    if (queued.length === 0) return 0;
    await rematchComuni(trx, [...new Set(queued.map((q) => q.comune_istat))], { now: new Date(), soonDays: app.config.deadlineSoonDays });
    await trx.updateTable('rematch_queue').set({ processed_at: sql`now()` }).where('id', 'in', queued.map((q) => q.id)).execute();
    return queued.length;
  });
}

/** Follows call events and changed comuni once a second while started. */
export function matchingWorker(app: FastifyInstance) {
  return intervalWorker(app, 'matching', 1000, async () => {
    await processCallEvents(app);
    await processRematchQueue(app);
  });
}
