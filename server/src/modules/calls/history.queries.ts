import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database, EditorialStatus } from '../../plugins/db/schema.ts';
import { PUBLIC_FIELDS, publishedChangeSentences } from './revisions.sentences.ts';

type Change = { from: unknown; to: unknown };
export type HistoryItem = NonNullable<Awaited<ReturnType<typeof callHistory>>>[number];

/** Versions newest first, with who made each change and what it changed in plain Italian; undefined for an unknown call. */
export async function callHistory(db: Kysely<Database>, callId: string) {
  if (!(await db.selectFrom('calls').select('id').where('id', '=', callId).executeTakeFirst())) return undefined;
  const rows = await db
    .selectFrom('call_versions as v')
    .leftJoin('users as u', 'u.id', 'v.changed_by')
    .select(['v.version', 'v.changed_at', 'v.changes', 'v.changed_by', 'v.changed_by_source', 'u.name'])
    .where('v.call_id', '=', callId)
    .orderBy('v.version', 'desc')
    .execute();
  return rows.map((r) => {
    const changes = r.changes as Record<string, Change>;
    return {
      version: r.version,
      changedAt: r.changed_at.toISOString(),
      changedBy: r.changed_by ? { id: r.changed_by, name: r.name ?? '' } : null,
      changedBySource: r.changed_by_source,
      changes,
      sentences: publishedChangeSentences(changes),
    };
  });
}

/**
 * What the public reads of a call's history: the changes made to it while it was published (a
 * revision once approved, a correction), only their public fields. Drafts, reviews, approvals,
 * status moves and merges are the editors' business. The status before each version is read back
 * from the newest one, whose status is the call's own.
 */
export function publishedHistory(items: HistoryItem[], currentStatus: EditorialStatus): HistoryItem[] {
  const shown: HistoryItem[] = [];
  let after: string = currentStatus;
  for (const item of items) {
    const before = item.changes.editorialStatus ? String(item.changes.editorialStatus.from) : after;
    const changes = Object.fromEntries(Object.entries(item.changes).filter(([field]) => PUBLIC_FIELDS.has(field)));
    if (before === 'published' && after === 'published' && Object.keys(changes).length > 0) {
      shown.push({ ...item, changedBy: null, changedBySource: null, changes, sentences: publishedChangeSentences(changes) });
    }
    after = before;
  }
  return shown;
}

/**
 * Who must not approve the content now under review: whoever submitted it, and whoever wrote it last
 * (the last to change its content since it was published, else its creator). Every part of the text
 * is then seen by someone other than its writer: an editor who changes a text under review becomes
 * its submitter, and the author reads those changes when approving.
 */
export async function barredApprovers(
  db: Kysely<Database>,
  call: { id: string; created_by: string | null; submitted_by: string | null },
): Promise<Set<string>> {
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
