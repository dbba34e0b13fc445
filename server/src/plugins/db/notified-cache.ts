import type { FastifyInstance } from 'fastify';
import { byCodeUnits } from '../../shared/names.ts';
import type { Db } from './database.ts';
import { listen, type NotificationListener } from './notifications.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A safety net only: every write notifies, so entries are normally dropped the moment they change. */
const SAFETY_MAX_AGE_MS = 10 * 60_000;

export interface NotifiedCacheOptions<T> {
  /**
   * The notified keys an entry depends on, when its own key is not one: an office's board depends on
   * each comune it serves. `'every'`: on any key notified. Without it an entry depends on its key.
   */
  dependsOn?(key: string): readonly string[] | 'every';
  /** Whether a kept value still holds (e.g. before the next moment the clock changes it). */
  holds?(value: T): boolean;
}

/**
 * Values kept in memory by key, for data read on every page and changed rarely. Every writer
 * notifies the channel inside its transaction (a key, or `*` for all); each app process listens and
 * drops what changed. While the listener is down nothing is cached.
 */
export class NotifiedCache<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();
  /** With `dependsOn`: the entries to drop when a key is notified (`every`: on any key). */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly loading = new Map<string, { generation: number; value: Promise<T | undefined> }>();
  private generation = 0;
  private listener: NotificationListener | null = null;
  private onChange: () => void = () => {};
  private readonly followers: ((key: string) => void)[] = [];

  constructor(
    private readonly channel: string,
    private readonly load: (key: string) => Promise<T | undefined>,
    private readonly maxEntries: number,
    private readonly maxAgeMs = SAFETY_MAX_AGE_MS,
    private readonly options: NotifiedCacheOptions<T> = {},
  ) {}

  /** Whether changes are heard: while not, nothing may be kept. */
  get listening(): boolean {
    return this.listener?.connected ?? false;
  }

  start(db: Db): void {
    this.listener = listen(
      db,
      this.channel,
      (key) => this.invalidate(key),
      () => this.invalidate('*'),
    );
  }

  async stop(): Promise<void> {
    await this.listener?.close();
    this.listener = null;
    this.entries.clear();
    this.dependents.clear();
    this.loading.clear();
  }

  /**
   * The value of a key, loaded on a miss by `load` (the cache's own loader unless the caller brings
   * one). Callers asking for a key while it loads share that load instead of starting their own.
   */
  async get(key: string, load: (key: string) => Promise<T | undefined> = this.load): Promise<T | undefined> {
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.at < this.maxAgeMs && (this.options.holds?.(entry.value) ?? true)) return entry.value;
    const pending = this.loading.get(key);
    if (pending && pending.generation === this.generation) return pending.value;
    const generation = this.generation;
    const value = load(key).then((value) => {
      // A change notified while loading may not be in `value`: keep it only if none arrived.
      if (value !== undefined && this.listener?.connected && generation === this.generation) {
        this.keep(key, value);
      }
      return value;
    });
    this.loading.set(key, { generation, value });
    try {
      return await value;
    } finally {
      if (this.loading.get(key)?.value === value) this.loading.delete(key);
    }
  }

  /**
   * Listens from the app's start-up to its close. A cache that loads from the read replica says so:
   * each change then waits for the replica to replay it before a load reads there (read-replica.ts).
   */
  attach(app: FastifyInstance, { readsReplica = false } = {}): this {
    if (readsReplica) this.onChange = () => app.readReplica.sawWrite();
    app.addHook('onReady', async () => this.start(app.db));
    app.addHook('onClose', async () => this.stop());
    return this;
  }

  /**
   * Notifications reach every process after the commit; the process that wrote drops the whole cache
   * before it answers a successful write to a URL under `writes`, so the writer's next click sees it.
   */
  dropOnWrites(app: FastifyInstance, writes: RegExp): this {
    app.addHook('onSend', async (request, reply) => {
      if (!SAFE_METHODS.has(request.method) && reply.statusCode < 400 && writes.test(request.url)) this.invalidate('*');
    });
    return this;
  }

  /**
   * Also tells `follower` of every change, in the same tick as this cache drops it: something its
   * loader reads (e.g. data shared by every key) is then never older than an entry loaded after it.
   */
  alsoInvalidates(follower: (key: string) => void): this {
    this.followers.push(follower);
    return this;
  }

  invalidate(key: string): void {
    this.generation++;
    this.onChange();
    for (const follower of this.followers) follower(key);
    if (key === '*') {
      this.entries.clear();
      this.dependents.clear();
    } else if (this.options.dependsOn) {
      for (const dependent of [...(this.dependents.get(key) ?? []), ...(this.dependents.get(EVERY) ?? [])]) this.drop(dependent);
    } else {
      this.entries.delete(key);
    }
  }

  private keep(key: string, value: T): void {
    this.drop(key);
    if (this.entries.size >= this.maxEntries) this.drop(this.entries.keys().next().value!);
    this.entries.set(key, { value, at: Date.now() });
    for (const on of this.dependenciesOf(key)) {
      const keys = this.dependents.get(on) ?? new Set<string>();
      this.dependents.set(on, keys.add(key));
    }
  }

  private drop(key: string): void {
    if (!this.entries.delete(key)) return;
    for (const on of this.dependenciesOf(key)) {
      const keys = this.dependents.get(on);
      keys?.delete(key);
      if (keys?.size === 0) this.dependents.delete(on);
    }
  }

  private dependenciesOf(key: string): readonly string[] {
    const on = this.options.dependsOn?.(key);
    return on === undefined ? [] : on === 'every' ? [EVERY] : on;
  }
}

/** Where entries that depend on every key are listed (no notified key is empty). */
const EVERY = '';

/** The key of a cached list answer: the same filters give the same key, whatever order the URL had. */
export function queryKey(query: object): string {
  const sorted = Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => [key, Array.isArray(value) ? [...(value as unknown[])].sort() : value] as const)
    .sort(([a], [b]) => byCodeUnits(a, b));
  return JSON.stringify(Object.fromEntries(sorted));
}
