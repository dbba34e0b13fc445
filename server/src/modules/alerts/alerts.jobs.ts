import type { FastifyInstance } from 'fastify';
import { intervalWorker } from '../../plugins/interval-worker.ts';
import { processAlertEvents } from './alerts.service.ts';

/** Turns newly matched calls into notifications every two seconds while started. */
export function alertsWorker(app: FastifyInstance) {
  return intervalWorker(app, 'alerts', 2000, async () => {
    await processAlertEvents(app.db, app.config.publicBaseUrl);
  });
}
