import { defineFeature } from '../../plugins/feature.ts';
import { NeedsByComune } from './needs.by-comune.ts';
import needsRoutes from './needs.routes.ts';
import reportRoutes from './report.routes.ts';
import territoryRoutes from './territory.routes.ts';

export type { NeedsByComune };

/** What Regione and ANCI see: the territory on a map, needs against funding, funds obtained, the progress report. */
export default defineFeature({
  name: 'territory',
  dependencies: ['database', 'clock', 'access-control', 'comuni', 'matching', 'indicators'],
  setup: (app) => {
    const needs = new NeedsByComune(app.db, () => app.clock().now);
    app.decorate('needsByComune', needs);
    app.addHook('onReady', async () => needs.start());
    app.addHook('onClose', async () => needs.stop());
  },
  routes: [territoryRoutes, needsRoutes, reportRoutes],
});
