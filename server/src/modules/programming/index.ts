import { defineFeature } from '../../plugins/feature.ts';
import programmingRoutes from './programming.routes.ts';
import { programmingSharedSchemas } from './programming.schemas.ts';

/** Each comune's programming: the projects it plans and the CSV round trip. */
export default defineFeature({
  name: 'programming',
  dependencies: ['database', 'access-control', 'comuni'],
  schemas: programmingSharedSchemas,
  routes: [programmingRoutes],
});
