export type { ComuneListPage } from './comuni.cache.ts';
import { defineFeature } from '../../plugins/feature.ts';
import comuniRoutes from './comuni.routes.ts';
import { comuniSharedSchemas } from './comuni.schemas.ts';
import importsRoutes from './imports.routes.ts';
import { registerProfileCache } from './profile.cache.ts';
import { registerComuneListCache } from './comuni.cache.ts';
import profileRoutes from './profile.routes.ts';

export { COMUNI_CHANGED_CHANNEL, notifyComuniChanged } from './comuni.changes.ts';
export { sizeClassSql } from './comuni.queries.ts';
export { IstatParams } from './comuni.schemas.ts';
export { assertComuneExists, comuneNotFound } from './comuni.service.ts';
export { importComuni, readComuniFile, type ComuneRecord } from './comuni.import.ts';
export { importFundingHistory, onFundingImported, readFundingFile, type AwardRecord } from './funding-history.import.ts';
export { importIpa } from './ipa.import.ts';
export type { ComuneProfileRow } from './profile.queries.ts';

/** The registry of comuni (ISTAT, IPA), their profiles and funding history, and the admin imports. */
export default defineFeature({
  name: 'comuni',
  dependencies: ['database', 'access-control'],
  schemas: comuniSharedSchemas,
  setup: (app) => {
    registerProfileCache(app);
    registerComuneListCache(app);
  },
  routes: [comuniRoutes, profileRoutes, importsRoutes],
});
