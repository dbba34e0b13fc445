import { defineFeature } from '../../plugins/feature.ts';
import { registerProgrammingListCache } from './programming.cache.ts';
import programmingRoutes from './programming.routes.ts';
import { programmingSharedSchemas } from './programming.schemas.ts';

export type { ProgrammingListCache } from './programming.cache.ts';

/** Each comune's programming: the projects it plans and the CSV round trip. */
export default defineFeature({
  name: 'programming',
  dependencies: ['database', 'access-control', 'comuni'],
  schemas: programmingSharedSchemas,
  setup: (app) => registerProgrammingListCache(app),
  routes: [programmingRoutes],
});
