import { defineFeature } from '../../plugins/feature.ts';
import openDataRoutes from './open-data.routes.ts';

/** Open data: the public catalogue of calls in CSV and JSON (CC BY 4.0), the aggregate indicators, and their DCAT-AP_IT description. */
export default defineFeature({
  name: 'open-data',
  dependencies: ['database', 'clock', 'config', 'access-control', 'calls', 'indicators'],
  routes: [openDataRoutes],
});
