import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database, EditorialStatus, RevisionStatus } from '../../plugins/db/schema.ts';

/**
 * The editors' work lists, written once: a call is in a list by its own state, and a published call
 * also by the state of the change waiting for it (a revision in review is review work like a new call).
 */
export const EDITORIAL_QUEUES = {
  drafts: { statuses: ['draft'], revisions: ['draft'] },
  review: { statuses: ['in_review'], revisions: ['in_review'] },
  ready: { statuses: ['approved', 'scheduled'], revisions: ['approved'] },
  published: { statuses: ['published'], revisions: [] },
  closed: { statuses: ['withdrawn', 'archived'], revisions: [] },
} as const satisfies Record<string, { statuses: EditorialStatus[]; revisions: RevisionStatus[] }>;
export type EditorialQueue = keyof typeof EDITORIAL_QUEUES;
export const QUEUE_NAMES = Object.keys(EDITORIAL_QUEUES) as EditorialQueue[];

/** The status of the change waiting for the call `c`, if any. */
export const pendingRevisionStatusSql = sql<
  'draft' | 'in_review' | 'approved' | null
>`(select r.status from call_revisions r where r.call_id = c.id and r.closed_at is null)`;

/** Whether the call `c` belongs to the list. */
export function inQueueSql(queue: EditorialQueue) {
  const { statuses, revisions } = EDITORIAL_QUEUES[queue];
  const own = sql<SqlBool>`c.editorial_status in (${sql.join([...statuses])})`;
  if (revisions.length === 0) return own;
  return sql<SqlBool>`(${own} or (c.editorial_status = 'published' and ${pendingRevisionStatusSql} in (${sql.join([...revisions])})))`;
}

/** How many calls each list holds, in one query. */
export async function queueCounts(db: Kysely<Database>): Promise<Record<EditorialQueue, number>> {
  const row = await db
    .selectFrom('calls as c')
    .where('c.merged_into', 'is', null)
    .select(QUEUE_NAMES.map((queue) => sql<number>`count(*) filter (where ${inQueueSql(queue)})::int`.as(queue)))
    .executeTakeFirstOrThrow();
  return row as Record<EditorialQueue, number>;
}
