import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { CallEventsTable, CallSourcesTable, CallsTable, CallThemesTable, CallWindowsTable, Database } from '../../plugins/db/schema.ts';

/*
 * What other features read of the calls, and the only way they do: calls' tables are named here and
 * in this folder, nowhere else (tests/app/architecture.test.ts checks it). A `...View` is an inline view:
 * a subquery over one table with the columns others may read, for a Kysely query (`callsView.as('c')`)
 * or raw SQL (`join ${callsView} k on ...`). PostgreSQL folds it into the query that uses it, so the
 * plan is the one the table itself would get, indexes included.
 */

type Db = Kysely<Database>;

const columns = (names: readonly string[]) => sql.join(names.map((name) => sql.ref(name)));

const CALL_COLUMNS = [
  'id',
  'title',
  'summary',
  'description',
  'issuer',
  'programme_kind',
  'programme_code',
  'measure_code',
  'procedure',
  'eligibility',
  'total_budget',
  'remaining_budget',
  'amount_max',
  'opens_at',
  'closes_at',
  'links',
  'editorial_status',
  'merged_into',
  'version',
  'published_at',
  'updated_at',
] as const satisfies readonly (keyof CallsTable)[];

/** A call: what it is, its money, its earliest opening and latest closing, where it stands editorially. */
export const callsView = sql<Pick<Selectable<CallsTable>, (typeof CALL_COLUMNS)[number]>>`(select ${columns(CALL_COLUMNS)} from calls)`;

/** A call's submission windows, numbered from 1; `closes_at` null: open until funds run out. */
export const callWindowsView = sql<Selectable<CallWindowsTable>>`(select call_id, number, label, opens_at, closes_at from call_windows)`;

/** A call's themes (codes of `themes`); `suggested`: proposed by the theme rules, not chosen by an editor. */
export const callThemesView = sql<Selectable<CallThemesTable>>`(select call_id, theme_code, suggested from call_themes)`;

/** Where a call was found: the source kind and the call's id there. */
export const callSourcesView = sql<
  Pick<Selectable<CallSourcesTable>, 'call_id' | 'source_kind' | 'external_id' | 'url'>
>`(select call_id, source_kind, external_id, url from call_sources)`;

/** Whether a call exists; `published`: only a published one. */
export async function callExists(db: Db, id: string, options: { published?: boolean } = {}): Promise<boolean> {
  let query = db.selectFrom('calls').select('id').where('id', '=', id);
  if (options.published) query = query.where('editorial_status', '=', 'published');
  return (await query.executeTakeFirst()) !== undefined;
}

/** A call's title; throws Kysely's NoResultError for an unknown id. */
export async function callTitle(db: Db, id: string): Promise<string> {
  return (await db.selectFrom('calls').select('title').where('id', '=', id).executeTakeFirstOrThrow()).title;
}

/** The ids of the published calls, not merged, still open or upcoming at `now`. */
export async function openPublishedCallIds(db: Db, now: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('calls')
    .select('id')
    .where('editorial_status', '=', 'published')
    .where('merged_into', 'is', null)
    .where((eb) => eb.or([eb('closes_at', 'is', null), eb('closes_at', '>', now)]))
    .execute();
  return rows.map((r) => r.id);
}

/** What a version of a call changed (`{ field: { from, to } }`), undefined for an unknown version. */
export async function callVersionChanges(db: Db, callId: string, version: number): Promise<unknown> {
  const row = await db.selectFrom('call_versions').select('changes').where('call_id', '=', callId).where('version', '=', version).executeTakeFirst();
  return row?.changes;
}

/** The calls already linked to items of a source kind: the item's external id → the call's id. */
export async function callsBySourceItem(db: Db, sourceKind: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('call_sources').select(['external_id', 'call_id']).where('source_kind', '=', sourceKind).execute();
  return new Map(rows.map((s) => [s.external_id, s.call_id]));
}

/**
 * The call events (published, changed, withdrawn) are read by two consumers, each with its own mark:
 * matching first (`processed_at`), then alerts (`alerted_at`, only events matching has processed, so
 * an alert goes out once the call's matches are stored).
 */
export type CallEventConsumer = 'matching' | 'alerts';
export type CallEvent = Pick<Selectable<CallEventsTable>, 'id' | 'call_id' | 'kind' | 'payload'>;

/** Locks up to `limit` events the consumer has not handled yet, oldest first, skipping those another process holds. */
export async function claimCallEvents(trx: Transaction<Database>, consumer: CallEventConsumer, limit: number): Promise<CallEvent[]> {
  let query = trx.selectFrom('call_events').select(['id', 'call_id', 'kind', 'payload']);
  query = consumer === 'matching' ? query.where('processed_at', 'is', null) : query.where('processed_at', 'is not', null).where('alerted_at', 'is', null);
  return query.orderBy('id').limit(limit).forUpdate().skipLocked().execute();
}

/** Marks claimed events as handled by the consumer, in the transaction that claimed them. */
export async function markCallEventsHandled(trx: Transaction<Database>, consumer: CallEventConsumer, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('call_events')
    .set(consumer === 'matching' ? { processed_at: sql<Date>`now()` } : { alerted_at: sql<Date>`now()` })
    .where('id', 'in', ids)
    .execute();
}
