import { sql, type Kysely } from 'kysely';

// Search documents now say whether a call is from the demo catalogue (source kind `demo`): the
// demo calls indexed before are queued again, so their hits carry the flag without a full reindex.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`insert into search_outbox (call_id) select distinct call_id from call_sources where source_kind = 'demo'`.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to undo: a queued document is only indexed again.
}
