import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';

/** Versions newest first, with who made each change; undefined for an unknown call. */
export async function callHistory(db: Kysely<Database>, callId: string) {
  if (!(await db.selectFrom('calls').select('id').where('id', '=', callId).executeTakeFirst())) return undefined;
  const rows = await db
    .selectFrom('call_versions as v')
    .leftJoin('users as u', 'u.id', 'v.changed_by')
    .select(['v.version', 'v.changed_at', 'v.changes', 'v.changed_by', 'v.changed_by_source', 'u.name'])
    .where('v.call_id', '=', callId)
    .orderBy('v.version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    changedAt: r.changed_at.toISOString(),
    changedBy: r.changed_by ? { id: r.changed_by, name: r.name ?? '' } : null,
    changedBySource: r.changed_by_source,
    changes: r.changes as Record<string, { from: unknown; to: unknown }>,
  }));
}
