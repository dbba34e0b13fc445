import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, IngestRunsTable, IngestSourcesTable } from '../../plugins/db/schema.ts';

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

export async function listSources(db: Db) {
  const sources = await db.selectFrom('ingest_sources').selectAll().orderBy('name').execute();
  const lastRuns = sources.length === 0 ? [] : await db.selectFrom('ingest_runs').selectAll().distinctOn('source_id').where('source_id', 'in', sources.map((s) => s.id)).orderBy('source_id').orderBy('started_at', 'desc').execute();
  const byId = new Map(lastRuns.map((r) => [r.source_id, r]));
  return sources.map((s) => toSource(s, byId.get(s.id)));
}

export function toSource(row: Selectable<IngestSourcesTable>, lastRun?: Selectable<IngestRunsTable>) {
  return { id: row.id, name: row.name, kind: row.kind, location: row.location, everyMinutes: row.every_minutes, trusted: row.trusted, enabled: row.enabled, lastRun: lastRun ? toRun(lastRun) : null };
}

export async function listRuns(db: Db, filter: { source?: string | undefined; limit: number; offset: number }) {
  let query = db.selectFrom('ingest_runs');
  if (filter.source) query = query.where('source_id', '=', filter.source);
  const [items, count] = await Promise.all([
    query.selectAll().orderBy('started_at', 'desc').orderBy('id').limit(filter.limit).offset(filter.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { items: items.map(toRun), total: count.total };
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
