import { defineFeature } from '../../plugins/feature.ts';
import { countingHooks } from './indicators.hooks.ts';
import indicatorsRoutes from './indicators.routes.ts';

export { indicatorsOf } from './indicators.service.ts';
export { periodOf } from './indicators.period.ts';

/** The programme's indicators (DGR 5269/2021) against their targets, and the privacy-preserving counts behind them. */
export default defineFeature({
  name: 'indicators',
  dependencies: ['database', 'clock', 'config', 'access-control', 'calls'],
  setup: countingHooks,
  routes: [indicatorsRoutes],
});
