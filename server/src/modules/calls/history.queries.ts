import { sql, type Kysely, type SqlBool } from 'kysely';
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

/**
 * Who must not approve the content now under review: whoever submitted it, and whoever wrote it last
 * (the last to change its content since it was published, else its creator). Every part of the text
 * is then seen by someone other than its writer: an editor who changes a text under review becomes
 * its submitter, and the author reads those changes when approving.
 */
export async function barredApprovers(db: Kysely<Database>, call: { id: string; created_by: string | null; submitted_by: string | null }): Promise<Set<string>> {
  const published = await db
    .selectFrom('call_versions')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('call_id', '=', call.id)
    .where(sql<SqlBool>`changes -> 'editorialStatus' ->> 'to' = 'published'`)
    .executeTakeFirst();
  const since = published?.version ?? 0;
  const last = await db
    .selectFrom('call_versions')
    .select('changed_by')
    .where('call_id', '=', call.id)
    .where('version', '>', since)
    .where(sql<SqlBool>`exists (select 1 from jsonb_object_keys(changes) as k where k <> 'editorialStatus')`)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  const writer = last ? last.changed_by : since === 0 ? call.created_by : null;
  return new Set([writer, call.submitted_by].filter((id): id is string => id !== null));
}
