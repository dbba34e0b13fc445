import { addCalendarSource, alertOptions } from '../alerts/index.ts';
import { onFundingImported } from '../comuni/index.ts';
import { defineFeature } from '../../plugins/feature.ts';
import { applicationsCalendar } from './applications.calendar.ts';
import { applicationsWorker } from './applications.jobs.ts';
import applicationsRoutes from './applications.routes.ts';
import { applicationsSharedSchemas } from './applications.schemas.ts';
import boardRoutes from './board.routes.ts';
import { propagateAwards } from './funding.propagation.ts';
import teamRoutes from './team.routes.ts';

export { remindDueSteps } from './applications.jobs.ts';
export { APPLICATION_STATUSES, REASON_LABELS, STATUS_LABELS } from './applications.rules.ts';

/** Each comune's pipeline per call, from "interessato" to the money arriving, worked on as a team. */
export default defineFeature({
  name: 'applications',
  dependencies: ['database', 'clock', 'scheduler', 'access-control', 'comuni', 'calls', 'alerts'],
  schemas: applicationsSharedSchemas,
  setup: (app) => {
    addCalendarSource(app, applicationsCalendar);
    onFundingImported('applications', (trx, records) => propagateAwards(trx, records, app.clock().now, alertOptions(app.config)).then(() => undefined));
    app.scheduler.add({ name: 'applications', ...applicationsWorker(app) });
  },
  routes: [applicationsRoutes, teamRoutes, boardRoutes],
});
