import type { FastifyInstance } from 'fastify';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';
import { COMUNI_CHANGED_CHANNEL } from './comuni.changes.ts';
import { findComuneProfile } from './profile.queries.ts';

/**
 * The app-wide cache of comune profiles (read on every page of the SPA), listening from start-up to
 * close; filled from the read replica once it has replayed the changes notified.
 */
export function registerProfileCache(app: FastifyInstance): void {
  const cache = new NotifiedCache(COMUNI_CHANGED_CHANNEL, async (istat) => findComuneProfile(await app.readReplica.fresh(), istat), 10_000);
  app.decorate('profileCache', cache.attach(app, { readsReplica: true }));
}
