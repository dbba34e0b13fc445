import type { FastifyInstance } from 'fastify';
import type { Db } from '../../plugins/db/database.ts';
import { listen, type NotificationListener } from '../../plugins/db/notifications.ts';
import { COMUNI_CHANGED_CHANNEL } from './comuni.changes.ts';
import { findComuneProfile } from './profile.queries.ts';

const MAX_ENTRIES = 10_000;
/** A safety net only: every write notifies, so entries are normally dropped the moment they change. */
const MAX_AGE_MS = 10 * 60_000;

/**
 * Comune profiles kept in memory: they are read on every page of the SPA and change rarely. Every
 * writer notifies `comuni_changed` inside its transaction; each app process listens and drops the
 * entry (or everything, for `*`). While the listener is down nothing is cached.
 */
export class ProfileCache<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();
  private generation = 0;
  private listener: NotificationListener | null = null;

  constructor(private readonly load: (istat: string) => Promise<T | undefined>) {}

  start(db: Db): void {
    this.listener = listen(db, COMUNI_CHANGED_CHANNEL, (istat) => this.invalidate(istat), () => this.invalidate('*'));
  }

  async stop(): Promise<void> {
    await this.listener?.close();
    this.listener = null;
    this.entries.clear();
  }

  async get(istat: string): Promise<T | undefined> {
    const entry = this.entries.get(istat);
    if (entry && Date.now() - entry.at < MAX_AGE_MS) return entry.value;
    const generation = this.generation;
    const value = await this.load(istat);
    // A change notified while loading may not be in `value`: keep it only if none arrived.
    if (value !== undefined && this.listener?.connected && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(istat, { value, at: Date.now() });
    }
    return value;
  }

  invalidate(istat: string): void {
    this.generation++;
    if (istat === '*') this.entries.clear();
    else this.entries.delete(istat);
  }
}

/** The app-wide cache of comune profiles, listening from start-up to close. */
export function registerProfileCache(app: FastifyInstance): void {
  const cache = new ProfileCache((istat) => findComuneProfile(app.db, istat));
  app.decorate('profileCache', cache);
  app.addHook('onReady', async () => cache.start(app.db));
  app.addHook('onClose', async () => cache.stop());
}
