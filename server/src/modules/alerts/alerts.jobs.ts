import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { intervalWorker } from '../../plugins/interval-worker.ts';
import type { SearchEngine } from '../../plugins/search/engine.ts';
import { deliverQueued, type Channels } from './alerts.delivery.ts';
import { processDigests } from './alerts.digest.ts';
import type { AlertOptions } from './alerts.dispatch.ts';
import { processScheduledAlerts } from './alerts.schedule.ts';
import { processAlertEvents } from './alerts.service.ts';
import { processSavedSearches } from './saved-searches.service.ts';

/** Reminders, window openings, saved searches and digests are looked at this often. */
const TIMED_EVERY_MS = 60_000;

export const alertOptions = (config: FastifyInstance['config']): AlertOptions & { soonDays: number } => ({
  publicBaseUrl: config.publicBaseUrl,
  secret: config.sessionSecret,
  soonDays: config.deadlineSoonDays,
});

export interface AlertRun {
  db: Kysely<Database>;
  engine: SearchEngine;
  channels: Channels;
  options: AlertOptions & { soonDays: number };
}

/** Every pending call event, until none is left. */
export async function drainAlertEvents(run: AlertRun) {
  const total = { events: 0, notifications: 0, emails: 0, webhooks: 0 };
  for (let batch = await processAlertEvents(run.db, run.options); batch.events > 0; batch = await processAlertEvents(run.db, run.options)) {
    for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += batch[key];
  }
  return total;
}

/** The time-driven part: reminders and openings, new calls in saved searches, due digests. */
export async function runTimedAlerts(run: AlertRun, now = new Date()) {
  const scheduled = await processScheduledAlerts(run.db, run.options, now);
  const searches = await processSavedSearches(run.db, run.engine, run.options, now);
  const { digests } = await processDigests(run.db, run.options, now);
  return { reminders: scheduled.reminders, openings: scheduled.openings, savedSearchNotifications: searches.notifications, digests };
}

/** Sends what is due until a round sends nothing (failures wait for their backoff). */
export async function drainDeliveries(run: AlertRun, lanes = 4) {
  const total = { sent: 0, failed: 0 };
  for (
    let round = await deliverQueued(run.db, run.channels, 500, lanes);
    round.sent + round.failed > 0;
    round = await deliverQueued(run.db, run.channels, 500, lanes)
  ) {
    total.sent += round.sent;
    total.failed += round.failed;
    if (round.sent === 0) break;
  }
  return total;
}

/** Turns call events into alerts and sends what is due every two seconds; the time-driven alerts once a minute. */
export function alertsWorker(app: FastifyInstance) {
  let timedAt = 0;
  return intervalWorker(app, 'alerts', 2000, async () => {
    const run: AlertRun = {
      db: app.db,
      engine: app.searchEngine,
      channels: { mailer: app.mailer, webhooksAllowPrivateNetworks: app.config.outboundAllowPrivateNetworks },
      options: alertOptions(app.config),
    };
    await processAlertEvents(app.db, run.options);
    if (Date.now() - timedAt >= TIMED_EVERY_MS) {
      timedAt = Date.now();
      await runTimedAlerts(run);
    }
    await deliverQueued(app.db, run.channels, 500, 4);
  });
}
