import type { Kysely } from 'kysely';

// "Next deadline" is min(closes_at) of one call's windows still ahead. With only an index on
// closes_at, the planner answered it by walking that index in order until it met the call: fine on
// a few calls, half a second per listed call on eleven thousand. This index answers it directly.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('call_windows_call_id_closes_at_index').on('call_windows').columns(['call_id', 'closes_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('call_windows_call_id_closes_at_index').execute();
}
