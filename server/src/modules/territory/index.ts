import { defineFeature } from '../../plugins/feature.ts';
import needsRoutes from './needs.routes.ts';
import reportRoutes from './report.routes.ts';
import territoryRoutes from './territory.routes.ts';

/** What Regione and ANCI see: the territory on a map, needs against funding, funds obtained, the progress report. */
export default defineFeature({
  name: 'territory',
  dependencies: ['database', 'clock', 'access-control', 'comuni', 'matching', 'indicators'],
  routes: [territoryRoutes, needsRoutes, reportRoutes],
});
