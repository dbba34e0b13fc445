import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, IngestRunsTable, IngestSourcesTable } from '../../plugins/db/schema.ts';
import { isProcessAlive, THIS_PROCESS } from '../../process-alive.ts';
import { pageRows } from '../../plugins/db/page-rows.ts';

type Db = Kysely<Database>;

export const toRun = (row: Selectable<IngestRunsTable>) => ({
  id: row.id,
  sourceId: row.source_id,
  kind: row.kind,
  location: row.location,
  status: row.status,
  seen: row.seen,
  created: row.created,
  updated: row.updated,
  unchanged: row.unchanged,
  failed: row.failed,
  failures: row.failures as { externalId: string; reason: string }[],
  error: row.error,
  startedAt: row.started_at.toISOString(),
  finishedAt: row.finished_at?.toISOString() ?? null,
});

/** What tells an editor whether a source still delivers: its newest record, last success, last error. */
interface Freshness {
  newest_record_at: Date | null;
  last_success_at: Date | null;
  last_error_at: Date | null;
  last_error: string | null;
}

/**
 * Sources with their last run and freshness at `now`. The newest record is the newest first sighting
 * among the stored items of the source's kind (items are kept by kind, so sources of one kind share it).
 */
export async function listSources(db: Db, now: Date, only?: string) {
  let query = db.selectFrom('ingest_sources').selectAll().orderBy('name');
  if (only) query = query.where('id', '=', only);
  const sources = await query.execute();
  if (sources.length === 0) return [];
  const ids = sources.map((s) => s.id);
  const [lastRuns, freshness] = await Promise.all([
    db.selectFrom('ingest_runs').selectAll().distinctOn('source_id').where('source_id', 'in', ids).orderBy('source_id').orderBy('started_at', 'desc').execute(),
    sql<Freshness & { id: string }>`
      select s.id,
        (select max(i.first_seen_at) from ingest_items i where i.source_kind = s.kind) as newest_record_at,
        (select max(r.finished_at) from ingest_runs r where r.source_id = s.id and r.status = 'succeeded') as last_success_at,
        f.finished_at as last_error_at, f.error as last_error
      from ingest_sources s
      left join lateral (select coalesce(r.finished_at, r.started_at) as finished_at, r.error from ingest_runs r
        where r.source_id = s.id and r.status = 'failed' order by r.started_at desc limit 1) f on true
      where s.id in (${sql.join(ids)})`.execute(db),
  ]);
  const runs = new Map(lastRuns.map((r) => [r.source_id, r]));
  const fresh = new Map(freshness.rows.map((f) => [f.id, f]));
  return sources.map((s) => toSource(s, runs.get(s.id), fresh.get(s.id), now));
}

/**
 * Late: an enabled scheduled source that brought nothing new in twice its interval, counted from its
 * newest record (or from its registration, before it has any). Sources read only by hand never are.
 */
export function isLate(row: Pick<Selectable<IngestSourcesTable>, 'enabled' | 'every_minutes' | 'created_at'>, newestRecordAt: Date | null, now: Date): boolean {
  if (!row.enabled || row.every_minutes === null) return false;
  const since = newestRecordAt ?? row.created_at;
  return now.getTime() - since.getTime() > 2 * row.every_minutes * 60_000;
}

/** A source as the editors see it, with its freshness. */
export async function findSource(db: Db, id: string, now: Date) {
  const [source] = await listSources(db, now, id);
  return source;
}

/** The fields an editor writes, as the audit log compares them. */
export const sourceSettings = (row: Selectable<IngestSourcesTable>) => ({
  name: row.name,
  kind: row.kind,
  location: row.location,
  everyMinutes: row.every_minutes,
  trusted: row.trusted,
  enabled: row.enabled,
});

const isoOrNull = (value: Date | null | undefined) => (value ? new Date(value).toISOString() : null);

export function toSource(row: Selectable<IngestSourcesTable>, lastRun: Selectable<IngestRunsTable> | undefined, freshness: Freshness | undefined, now: Date) {
  const newest = freshness?.newest_record_at ? new Date(freshness.newest_record_at) : null;
  return {
    id: row.id,
    ...sourceSettings(row),
    lastRun: lastRun ? toRun(lastRun) : null,
    newestRecordAt: isoOrNull(newest),
    lastSuccessAt: isoOrNull(freshness?.last_success_at),
    lastError: freshness?.last_error_at ? { at: isoOrNull(freshness.last_error_at)!, message: freshness.last_error ?? 'lettura non riuscita' } : null,
    late: isLate(row, newest, now),
  };
}

export async function listRuns(db: Db, filter: { source?: string | undefined; limit: number; offset: number }) {
  let query = db.selectFrom('ingest_runs');
  if (filter.source) query = query.where('source_id', '=', filter.source);
  const { items, total } = await pageRows(query, (q) => q.selectAll().orderBy('started_at', 'desc').orderBy('id'), filter);
  return { items: items.map(toRun), total };
}

/** Enabled scheduled sources whose last run started longer ago than their interval (or never ran). */
export async function dueSources(db: Db, now: Date): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select s.id from ingest_sources s
     where s.enabled and s.every_minutes is not null
       and not exists (select 1 from ingest_runs r where r.source_id = s.id and r.started_at > ${now}::timestamptz - make_interval(mins => s.every_minutes))
  `.execute(db);
  return rows.map((r) => r.id);
}

/** Opens the log of a run, signed by this process so that a run it abandons can be told from one going on. */
export async function openRun(db: Db, run: { source_id: string | null; kind: string; location: string }): Promise<{ id: string }> {
  return db
    .insertInto('ingest_runs')
    .values({ ...run, runner_host: THIS_PROCESS.host, runner_pid: THIS_PROCESS.pid, runner_id: THIS_PROCESS.id })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** No run takes this long (a page waits 30 s at most): one still `running` lost its process. */
export const ABANDONED_AFTER_MINUTES = 60;
const RUNNER_STOPPED = 'interrotta: il processo che la eseguiva si è fermato';
const RUNNER_SILENT = `interrotta: nessun esito dopo ${ABANDONED_AFTER_MINUTES} minuti, il processo che la eseguiva si è fermato o non risponde`;

type RunningRun = Pick<Selectable<IngestRunsTable>, 'runner_host' | 'runner_pid' | 'runner_id'>;

/** A runner of this host that no longer exists, or an earlier start of this very pid (as in a container). */
const runnerGone = (run: RunningRun) =>
  run.runner_host === THIS_PROCESS.host &&
  run.runner_pid !== null &&
  run.runner_id !== THIS_PROCESS.id &&
  (run.runner_pid === THIS_PROCESS.pid || !isProcessAlive(run.runner_pid));

/**
 * Closes as failed the runs a crash or a kill left `running`: at once when their process, on this host,
 * is gone; after an hour when it ran elsewhere (or the run predates the runner columns).
 */
export async function failAbandonedRuns(db: Db, now = new Date()): Promise<number> {
  const running = await db
    .selectFrom('ingest_runs')
    .select(['id', 'runner_host', 'runner_pid', 'runner_id', 'started_at'])
    .where('status', '=', 'running')
    .execute();
  const stopped = running.filter(runnerGone).map((r) => r.id);
  const silent = running.filter((r) => !stopped.includes(r.id) && now.getTime() - r.started_at.getTime() > ABANDONED_AFTER_MINUTES * 60_000).map((r) => r.id);
  let failed = 0;
  for (const [ids, error] of [
    [stopped, RUNNER_STOPPED],
    [silent, RUNNER_SILENT],
  ] as const) {
    if (ids.length === 0) continue;
    // A run that ends meanwhile keeps its own outcome.
    const result = await db
      .updateTable('ingest_runs')
      .set({ status: 'failed', error, finished_at: sql`now()` })
      .where('id', 'in', ids)
      .where('status', '=', 'running')
      .executeTakeFirst();
    failed += Number(result.numUpdatedRows);
  }
  return failed;
}
