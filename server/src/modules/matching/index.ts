import { defineFeature } from '../../plugins/feature.ts';
import coverageRoutes from './coverage.routes.ts';
import { matchingWorker } from './matching.jobs.ts';
import matchingRoutes from './matching.routes.ts';
import myOpportunitiesRoutes from './my-opportunities.routes.ts';
import { registerOpportunitiesCache } from './opportunities.cache.ts';
import { registerCoverageCache } from './coverage.cache.ts';
import { registerChecklistCache } from './checklist.cache.ts';
import { registerFundingHistoryCache } from './outcomes.cache.ts';
import publicOpportunitiesRoutes from './public-opportunities.routes.ts';
import { ranker } from './matching.outcomes.ts';

export { MATCHES_CHANGED_CHANNEL } from './opportunities.cache.ts';
export { usableCallSql } from './coverage.queries.ts';
export type { Coverage } from './coverage.cache.ts';
export type { ChecklistCache } from './checklist.cache.ts';
export { estimateAmount } from './matching.amount.ts';
export { evaluateEligibility, type CallRules, type Verdict } from './matching.eligibility.ts';
export { catchUpMatching } from './matching.jobs.ts';
export type { OpportunityView, StoredMatch } from './matching.queries.ts';
export { rematchAll } from './matching.service.ts';
export { formatLongDate, formatNumber, romeDay, sizeClassOf, type ComuneFacts } from './matching.profile-facts.ts';
export { computeRelevance } from './matching.relevance.ts';
export { avvisoKey, type FundingHistory } from './outcomes.queries.ts';
export {
  FEATURE_NAMES,
  likelihood,
  loadRanker,
  outcomeFeatures,
  RANKER_FILE,
  type OutcomeSignals,
  type PeerShare,
  type RankerModel,
} from './matching.outcomes.ts';

/** Which comuni each published call suits, and why not; opportunities per comune and coverage. */
export default defineFeature({
  name: 'matching',
  dependencies: ['database', 'clock', 'scheduler', 'access-control', 'comuni', 'calls'],
  setup: (app) => {
    ranker(); // a missing or stale model stops the start, not the first match
    registerFundingHistoryCache(app);
    registerOpportunitiesCache(app);
    registerChecklistCache(app);
    registerCoverageCache(app);
    app.scheduler.add({ name: 'matching', ...matchingWorker(app) });
  },
  routes: [matchingRoutes, publicOpportunitiesRoutes, coverageRoutes, myOpportunitiesRoutes],
});
