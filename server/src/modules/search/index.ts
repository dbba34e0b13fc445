import { defineFeature } from '../../plugins/feature.ts';
import { registerSearchCache } from './search.cache.ts';
import { searchWorker, statusRefreshWorker } from './search.jobs.ts';
import searchRoutes from './search.routes.ts';

export { catchUpSearchIndex } from './search.jobs.ts';
export { reindexAll, requeueStaleStatuses } from './search.outbox.ts';
export { SearchQuerySchema } from './search.schemas.ts';

/** Full-text search over published calls, kept a moment behind the database by an outbox. */
export default defineFeature({
  name: 'search',
  dependencies: ['database', 'search-engine', 'clock', 'scheduler', 'access-control', 'calls'],
  setup: (app) => {
    registerSearchCache(app);
    app.scheduler.add({ name: 'search-outbox', ...searchWorker(app) });
    app.scheduler.add({ name: 'search-status-refresh', ...statusRefreshWorker(app) });
  },
  routes: [searchRoutes],
});
