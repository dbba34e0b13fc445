import { sql } from 'kysely';
import type { Db } from './database.ts';

/**
 * Where public reads go: the streaming replica of DATABASE_READ_URL, or the primary when there is
 * none. A replica lags behind the primary by its replay delay, so:
 * - requests of signed-in users read the primary (an editor sees what they just saved);
 * - anonymous requests and the caches behind the public pages read the replica once it has replayed
 *   every write this process was notified of (`sawWrite`), the primary until then: a cache dropped
 *   by a notification never refills from a replica that has not seen the change yet.
 */
export interface ReadReplica {
  /** The replica's handle, or the primary's when there is none. */
  readonly db: Db;
  /** A write was committed on the primary (a cache heard its notification): reads wait for the replica to replay it. */
  sawWrite(): void;
  /** The replica if it has replayed every write seen so far, else the primary. */
  fresh(): Promise<Db>;
}

export function primaryOnly(primary: Db): ReadReplica {
  return { db: primary, sawWrite() {}, fresh: async () => primary };
}

export function streamingReplica(primary: Db, replica: Db, onError: (err: unknown) => void): ReadReplica {
  /** The primary's WAL position after the latest write seen; the replica must reach it. */
  let awaited: Promise<string | null> | null = null;
  return {
    db: replica,
    sawWrite() {
      awaited = sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(primary).then(
        ({ rows }) => rows[0]!.lsn,
        (err: unknown) => (onError(err), null),
      );
    },
    async fresh() {
      const target = awaited;
      if (!target) return replica;
      const lsn = await target;
      if (lsn === null) return primary;
      try {
        // Null on a server that is not a standby (a replica URL pointing at the primary): nothing to wait for.
        const { rows } = await sql<{ caughtUp: boolean }>`
          select coalesce(pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn, true) as "caughtUp"`.execute(replica);
        if (!rows[0]!.caughtUp) return primary;
      } catch (err) {
        onError(err);
        return primary;
      }
      if (awaited === target) awaited = null;
      return replica;
    },
  };
}
