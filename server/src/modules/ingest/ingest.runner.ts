import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { notFound } from '../../shared/domain-errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { CONNECTORS } from './connectors/index.ts';
import { runIngest, type IngestLimits, type RunReport } from './ingest.service.ts';

/** Runs a registered source with its connector, location and trust. */
export async function runSource(db: Kysely<Database>, clock: Clock, sourceId: string, limits: IngestLimits): Promise<RunReport> {
  const source = await db.selectFrom('ingest_sources').selectAll().where('id', '=', sourceId).executeTakeFirst();
  if (!source) throw notFound('SOURCE_NOT_FOUND', 'Fonte non trovata.');
  return runIngest(db, clock, { connector: CONNECTORS[source.kind]!, location: source.location, sourceId: source.id, trusted: source.trusted, limits });
}
