import { defineFeature } from '../../plugins/feature.ts';
import { alertsWorker } from './alerts.jobs.ts';
import alertsRoutes, { deliveriesRoutes, unsubscribeRoutes } from './alerts.routes.ts';
import { alertsSharedSchemas } from './alerts.schemas.ts';
import feedsRoutes from './feeds.routes.ts';
import { registerCalendarSources } from './feeds.sources.ts';
import personalAlertsRoutes from './personal.routes.ts';
import { aggregationWebhooksRoutes, comuneWebhooksRoutes, webhookSchemas } from './webhooks.routes.ts';

export { notifyPeople, type PersonalNotice } from './alerts.people.ts';
export type { AlertOptions } from './alerts.dispatch.ts';
export { addCalendarSource, type CalendarEntry, type CalendarSource } from './feeds.sources.ts';
export { alertOptions, drainAlertEvents, drainDeliveries, runTimedAlerts } from './alerts.jobs.ts';

/** Subscriptions, notifications, e-mail digests, follows, saved searches, feeds and webhooks. */
export default defineFeature({
  name: 'alerts',
  dependencies: ['database', 'mailer', 'search-engine', 'scheduler', 'access-control', 'calls', 'search', 'matching'],
  schemas: [...alertsSharedSchemas, ...webhookSchemas],
  setup: (app) => {
    registerCalendarSources(app);
    app.scheduler.add({ name: 'alerts', ...alertsWorker(app) });
  },
  routes: [alertsRoutes, unsubscribeRoutes, deliveriesRoutes, personalAlertsRoutes, feedsRoutes, comuneWebhooksRoutes, aggregationWebhooksRoutes],
});
