import type { FastifyInstance } from 'fastify';
import { intervalWorker } from '../../plugins/interval-worker.ts';
import { deliverQueued } from './alerts.delivery.ts';
import { processAlertEvents } from './alerts.service.ts';

export const alertOptions = (app: FastifyInstance) => ({ publicBaseUrl: app.config.publicBaseUrl, secret: app.config.sessionSecret });

/** Turns newly matched calls into notifications and e-mails, and sends what is due, every two seconds. */
export function alertsWorker(app: FastifyInstance) {
  return intervalWorker(app, 'alerts', 2000, async () => {
    await processAlertEvents(app.db, alertOptions(app));
    await deliverQueued(app.db, app.mailer, 500, 4);
  });
}
