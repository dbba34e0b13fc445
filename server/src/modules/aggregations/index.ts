import { defineFeature } from '../../plugins/feature.ts';
import aggregationsRoutes from './aggregations.routes.ts';
import { aggregationsSharedSchemas } from './aggregations.schemas.ts';

/** Unions, mountain communities and other groups of comuni that apply together. */
export default defineFeature({
  name: 'aggregations',
  dependencies: ['database', 'access-control', 'comuni'],
  schemas: aggregationsSharedSchemas,
  routes: [aggregationsRoutes],
});
