import { sql } from 'kysely';
import type { Db } from '../../plugins/db/database.ts';

export async function recordHeartbeat(db: Db, worker: { workerId: string; hostname: string; pid: number }): Promise<void> {
  await db
    .insertInto('worker_heartbeats')
    .values({ worker_id: worker.workerId, hostname: worker.hostname, pid: worker.pid })
    .onConflict((oc) => oc.column('worker_id').doUpdateSet({ beat_at: sql`now()` }))
    .execute();
}

export async function countLiveWorkers(db: Db, withinSeconds: number): Promise<number> {
  const row = await db
    .selectFrom('worker_heartbeats')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('beat_at', '>', sql<Date>`now() - make_interval(secs => ${withinSeconds})`)
    .executeTakeFirstOrThrow();
  return row.count;
}

export async function removeStaleWorkers(db: Db, olderThanSeconds: number): Promise<number> {
  const result = await db
    .deleteFrom('worker_heartbeats')
    .where('beat_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function removeWorker(db: Db, workerId: string): Promise<void> {
  await db.deleteFrom('worker_heartbeats').where('worker_id', '=', workerId).execute();
}

export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
