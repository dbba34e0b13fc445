import { defineFeature } from '../../plugins/feature.ts';
import { registerCatalogueCache } from './calls.cache.ts';
import { registerEditorialCache } from './editorial.cache.ts';
import { startCallsJobs } from './calls.jobs.ts';
import callsRoutes from './calls.routes.ts';
import { callsSharedSchemas } from './calls.schemas.ts';
import editorialRoutes from './editorial.routes.ts';

export { inputOf } from './calls.mappers.ts';
export { CALL_WRITES, PUBLISHED_CALLS_CHANGED_CHANNEL, type CataloguePage } from './calls.cache.ts';
export type { EditorialCache } from './editorial.cache.ts';
export { findCall, findOpenPublishedCalls, type CallRow } from './calls.queries.ts';
export {
  callExists,
  callsBySourceItem,
  callSourcesView,
  callsView,
  callThemesView,
  callTitle,
  callVersionChanges,
  callWindowsView,
  claimCallEvents,
  markCallEventsHandled,
  openPublishedCallIds,
  type CallEvent,
} from './calls.reads.ts';
export {
  BODY_TYPES,
  CALL_STATUS_LABELS,
  CALL_STATUSES,
  CallInput,
  Demo,
  EDITORIAL_STATUSES,
  Eligibility,
  PROCEDURES,
  PROGRAMME_KINDS,
} from './calls.schemas.ts';
export { createCall, updateCall, type Actor } from './calls.service.ts';
export { BODY_LABELS, changeSentences, publishedChangeSentences } from './revisions.sentences.ts';
export { isDemoCall, isDemoSql } from './calls.demo.ts';
export { parseMeasureCode } from './calls.measure-code.ts';

/** The catalogue of calls (bandi): editing, review, publication, revisions and their history. */
export default defineFeature({
  name: 'calls',
  dependencies: ['database', 'queue', 'clock', 'scheduler', 'access-control'],
  schemas: callsSharedSchemas,
  setup: (app) => {
    registerCatalogueCache(app);
    registerEditorialCache(app);
    app.scheduler.add({ name: 'calls', start: () => startCallsJobs(app) });
  },
  routes: [callsRoutes, editorialRoutes],
});
