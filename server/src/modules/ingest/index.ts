import { defineFeature } from '../../plugins/feature.ts';
import { startIngestJobs } from './ingest.jobs.ts';
import ingestRoutes from './ingest.routes.ts';
import { ingestSharedSchemas } from './ingest.schemas.ts';
import themeRulesRoutes from './theme-rules.routes.ts';

export { CONNECTORS, SOURCE_KINDS } from './connectors/index.ts';
export { addDefaultSources, type DefaultSourcesReport } from './ingest.default-sources.ts';
export { reprocessItems, runIngest, type RunReport } from './ingest.service.ts';

/** Sources that bring calls in (feeds, portals, CSV, pushes), their runs and the theme rules they apply. */
export default defineFeature({
  name: 'ingest',
  dependencies: ['database', 'queue', 'clock', 'scheduler', 'access-control', 'calls'],
  schemas: ingestSharedSchemas,
  setup: (app) => app.scheduler.add({ name: 'ingest', start: () => startIngestJobs(app) }),
  routes: [ingestRoutes, themeRulesRoutes],
});
