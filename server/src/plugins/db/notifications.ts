import pg from 'pg';
import type { Db } from './database.ts';

const pools = new WeakMap<Db, pg.Pool>();

export function rememberPool(db: Db, pool: pg.Pool): void {
  pools.set(db, pool);
}

export interface NotificationListener {
  /** True while the LISTEN connection is up: until then no notification can be trusted to arrive. */
  readonly connected: boolean;
  close(): Promise<void>;
}

/**
 * Listens on a PostgreSQL channel over a connection of its own (not one of the pool's), reconnecting
 * after a loss. `onGap` runs whenever notifications may have been missed, so callers drop what they cached.
 */
export function listen(db: Db, channel: string, onNotify: (payload: string) => void, onGap: () => void): NotificationListener {
  const pool = pools.get(db);
  if (!pool) throw new Error('listen() needs a database created by createDb()');
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const state = { connected: false };

  const reconnectLater = () => {
    clearTimeout(retry);
    if (!closed) retry = setTimeout(() => void connect(), 1000).unref();
  };
  const connect = async () => {
    const candidate = new pg.Client(pool.options);
    candidate.on('error', () => {});
    candidate.on('end', () => {
      if (candidate !== client) return;
      client = null;
      state.connected = false;
      onGap();
      reconnectLater();
    });
    candidate.on('notification', (message) => onNotify(message.payload ?? ''));
    try {
      await candidate.connect();
      await candidate.query(`listen ${candidate.escapeIdentifier(channel)}`);
      if (closed) return void (await candidate.end());
      client = candidate;
      state.connected = true;
      onGap();
    } catch {
      await candidate.end().catch(() => {});
      reconnectLater();
    }
  };
  void connect();

  return {
    get connected() {
      return state.connected;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      state.connected = false;
      await client?.end().catch(() => {});
    },
  };
}
