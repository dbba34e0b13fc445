import aggregations from './modules/aggregations/index.ts';
import applications from './modules/applications/index.ts';
import alerts from './modules/alerts/index.ts';
import auth from './modules/auth/index.ts';
import calls from './modules/calls/index.ts';
import comuni from './modules/comuni/index.ts';
import indicators from './modules/indicators/index.ts';
import ingest from './modules/ingest/index.ts';
import matching from './modules/matching/index.ts';
import openData from './modules/open-data/index.ts';
import programming from './modules/programming/index.ts';
import search from './modules/search/index.ts';
import system from './modules/system/index.ts';
import territory from './modules/territory/index.ts';
import themes from './modules/themes/index.ts';

/**
 * Every feature, registered by `buildApp` in this order: a feature comes after the ones it declares as
 * dependencies, and the order is the order of the API's paths in the OpenAPI document. Adding a
 * feature is one line here (and its entry in docs/ARCHITECTURE.md).
 */
export const FEATURES = [
  system,
  auth,
  comuni,
  programming,
  aggregations,
  calls,
  ingest,
  search,
  matching,
  themes,
  alerts,
  applications,
  indicators,
  territory,
  openData,
];
