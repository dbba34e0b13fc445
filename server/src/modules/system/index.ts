import { defineFeature } from '../../plugins/feature.ts';
import { startSystemJobs } from './system.jobs.ts';
import systemRoutes from './system.routes.ts';

/** Health, readiness and the worker heartbeat. */
export default defineFeature({
  name: 'system',
  dependencies: ['database', 'queue', 'scheduler'],
  setup: (app) => app.scheduler.add({ name: 'system', start: () => startSystemJobs(app) }),
  routes: [systemRoutes],
});
