import { addCalendarSource, alertOptions, type AlertOptions } from '../alerts/index.ts';
import { onFundingImported, type AwardRecord } from '../comuni/index.ts';
import type { Trx } from './applications.queries.ts';
import { defineFeature } from '../../plugins/feature.ts';
import { registerApplicationListCache } from './applications.cache.ts';
import { applicationsCalendar } from './applications.calendar.ts';
import { applicationsWorker } from './applications.jobs.ts';
import applicationsRoutes from './applications.routes.ts';
import { applicationsSharedSchemas } from './applications.schemas.ts';
import boardRoutes from './board.routes.ts';
import { propagateAwards } from './funding.propagation.ts';
import teamRoutes from './team.routes.ts';

export type { ApplicationListCache } from './applications.cache.ts';
export { remindDueSteps } from './applications.jobs.ts';
/**
 * Moves applications forward after each funding-history import of this process. The app does it when it
 * starts; the CLI and the benchmarks, which import without building the app, call it themselves.
 */
export function propagateFundingImports(options: AlertOptions, now: () => Date) {
  onFundingImported('applications', (trx: Trx, records: readonly AwardRecord[]) => propagateAwards(trx, records, now(), options).then(() => undefined));
}

export { APPLICATION_STATUSES, REASON_LABELS, STATUS_LABELS } from './applications.rules.ts';

/** Each comune's pipeline per call, from "interessato" to the money arriving, worked on as a team. */
export default defineFeature({
  name: 'applications',
  dependencies: ['database', 'clock', 'scheduler', 'access-control', 'comuni', 'calls', 'alerts'],
  schemas: applicationsSharedSchemas,
  setup: (app) => {
    registerApplicationListCache(app);
    addCalendarSource(app, applicationsCalendar);
    propagateFundingImports(alertOptions(app.config), () => app.clock().now);
    app.scheduler.add({ name: 'applications', ...applicationsWorker(app) });
  },
  routes: [applicationsRoutes, teamRoutes, boardRoutes],
});
