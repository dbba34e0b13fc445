import type { Generated } from 'kysely';

export interface WorkerHeartbeatsTable {
  worker_id: string;
  hostname: string;
  pid: number;
  started_at: Generated<Date>;
  beat_at: Generated<Date>;
}

/** Every table the server queries; each feature adds its own. */
export interface Database {
  worker_heartbeats: WorkerHeartbeatsTable;
}
