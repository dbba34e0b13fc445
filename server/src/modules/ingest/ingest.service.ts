import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { canonicalJson } from '../../plugins/audit.ts';
import type { Database } from '../../plugins/db/schema.ts';
import { AppError } from '../../plugins/errors/problem.ts';
import type { Clock } from '../calls/calls.queries.ts';
import { findCall } from '../calls/calls.queries.ts';
import { createCall, updateCall, type Actor } from '../calls/calls.service.ts';
import { parseMeasureCode } from '../calls/measure-code.ts';
import { ItemError, type Connector, type RawItem } from './connector.ts';
import { loadThemeRules, suggestThemes, type ThemeRule } from './theme-suggestions.ts';

type Db = Kysely<Database>;

export interface IngestJob {
  connector: Connector;
  /** Where the payload is (URL or file), or a description when items are given. */
  location: string;
  /** Items already split (JSON push, re-processing); otherwise the location is read. */
  items?: RawItem[];
  /** Kind of the source as stored with each item: the connector's, or `api:<partner>`. */
  sourceKind?: string;
  sourceId?: string | null;
  /** Trusted sources publish directly; the others create drafts for editors. */
  trusted: boolean;
  /** Re-read items even when their payload did not change (after a parser fix). */
  force?: boolean;
}

export interface RunReport {
  runId: string;
  kind: string;
  location: string;
  status: 'succeeded' | 'failed';
  seen: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  failures: { externalId: string; reason: string }[];
  error: string | null;
}

const CONCURRENCY = 8;
const MAX_PAGES = 50;
const hashOf = (raw: unknown) => createHash('sha256').update(canonicalJson(raw)).digest('hex');

async function readLocation(location: string): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(location)) return readFile(location);
  const response = await fetch(location, { signal: AbortSignal.timeout(30_000), headers: { accept: 'application/json, text/csv, application/rss+xml, application/atom+xml, */*' } });
  if (!response.ok) throw new Error(`la fonte ha risposto ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Every item of the location, following the pages of paged sources. */
async function fetchItems(connector: Connector, location: string): Promise<RawItem[]> {
  const items: RawItem[] = [];
  let next: string | null = location;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const payload = await readLocation(next);
    items.push(...connector.split(payload, next));
    const following = connector.nextPage?.(payload) ?? null;
    next = following && following !== next ? following : null;
  }
  return items;
}

function reasonOf(error: unknown): string {
  if (error instanceof ItemError) return error.message;
  if (!(error instanceof AppError)) return 'errore imprevisto nel salvataggio';
  return error.errors?.length ? error.errors.map((e) => `${e.field.replace(/^body\./, '')}: ${e.message}`).join(' ') : error.message;
}

interface RunState {
  db: Db;
  clock: Clock;
  job: IngestJob;
  kind: string;
  rules: ThemeRule[];
  known: Map<string, { hash: string; callId: string | null; error: string | null }>;
  /** Calls already linked to this source, by external id (a merge may have moved the link). */
  linked: Map<string, string>;
  report: RunReport;
}

/** Stores the raw payload with what became of it: its call, or why it failed (keeping any earlier call). */
async function keepPayload(db: Db, kind: string, item: RawItem, hash: string, outcome: { callId: string } | { error: string; knownCallId: string | null }) {
  const raw = JSON.stringify(item.raw);
  const done = 'callId' in outcome;
  const changes = done ? { raw, hash, call_id: outcome.callId, error: null } : { raw, hash, error: outcome.error };
  await db
    .insertInto('ingest_items')
    .values({ source_kind: kind, external_id: item.externalId, raw, hash, call_id: done ? outcome.callId : outcome.knownCallId, error: done ? null : outcome.error })
    .onConflict((oc) => oc.columns(['source_kind', 'external_id']).doUpdateSet({ ...changes, last_seen_at: sql`now()` }))
    .execute();
}

async function processItem(state: RunState, item: RawItem): Promise<void> {
  const { db, job, kind, report } = state;
  const hash = hashOf(item.raw);
  const known = state.known.get(item.externalId);
  if (!job.force && known && known.hash === hash) {
    if (known.error) {
      report.failed++;
      report.failures.push({ externalId: item.externalId, reason: known.error });
    } else report.unchanged++;
    return;
  }
  const actor: Actor = { request: null, userId: null, source: kind };
  try {
    const { input, url } = job.connector.map(item.raw);
    const suggested = input.themes.length > 0 ? [] : suggestThemes(state.rules, parseMeasureCode(input.programme.code), `${input.title} ${input.summary ?? ''}`);
    const outcome = await db.transaction().execute(async (trx) => {
      let callId = state.linked.get(item.externalId);
      let result: 'created' | 'updated' | 'unchanged';
      if (!callId) {
        callId = await createCall(trx, actor, { ...input, themes: input.themes.length > 0 ? input.themes : suggested }, state.clock, {
          status: job.trusted ? 'published' : 'draft',
          sources: [{ kind, externalId: item.externalId, url }],
          suggestedThemes: suggested,
        });
        result = 'created';
      } else {
        // Once a call exists its themes belong to the editors: a source update leaves them alone.
        const current = await findCall(trx, callId, state.clock);
        const changes = await updateCall(trx, actor, callId, { ...input, themes: current!.themes }, state.clock);
        result = Object.keys(changes).length > 0 ? 'updated' : 'unchanged';
      }
      await keepPayload(trx, kind, item, hash, { callId });
      return result;
    });
    report[outcome]++;
  } catch (error) {
    const reason = reasonOf(error);
    report.failed++;
    report.failures.push({ externalId: item.externalId, reason });
    await keepPayload(db, kind, item, hash, { error: reason, knownCallId: known?.callId ?? null });
  }
}

/**
 * Runs one ingestion: reads the source, turns each item into a call (created, updated or left as it
 * is) in its own transaction, so that one bad item never blocks the rest, and logs the run.
 */
export async function runIngest(db: Db, clock: Clock, job: IngestJob): Promise<RunReport> {
  const kind = job.sourceKind ?? job.connector.kind;
  const run = await db.insertInto('ingest_runs').values({ source_id: job.sourceId ?? null, kind, location: job.location }).returning('id').executeTakeFirstOrThrow();
  const report: RunReport = { runId: run.id, kind, location: job.location, status: 'succeeded', seen: 0, created: 0, updated: 0, unchanged: 0, failed: 0, failures: [], error: null };
  try {
    const items = job.items ?? (await fetchItems(job.connector, job.location));
    report.seen = items.length;
    const known = new Map(
      (await db.selectFrom('ingest_items').select(['external_id', 'hash', 'call_id', 'error']).where('source_kind', '=', kind).execute()).map((i) => [i.external_id, { hash: i.hash, callId: i.call_id, error: i.error }]),
    );
    const linked = new Map((await db.selectFrom('call_sources').select(['external_id', 'call_id']).where('source_kind', '=', kind).execute()).map((s) => [s.external_id, s.call_id]));
    const state: RunState = { db, clock, job, kind, rules: await loadThemeRules(db), known, linked, report };
    const order = new Map(items.map((item, i) => [item.externalId, i]));
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await processItem(state, items[next++]!);
    }));
    report.failures.sort((a, b) => (order.get(a.externalId) ?? 0) - (order.get(b.externalId) ?? 0));
  } catch (error) {
    report.status = 'failed';
    report.error = error instanceof ItemError ? error.message : `fonte illeggibile: ${error instanceof Error ? error.message : String(error)}`;
  }
  await db
    .updateTable('ingest_runs')
    .set({ status: report.status, seen: report.seen, created: report.created, updated: report.updated, unchanged: report.unchanged, failed: report.failed, failures: JSON.stringify(report.failures), error: report.error, finished_at: sql`now()` })
    .where('id', '=', run.id)
    .execute();
  return report;
}

/** Reads again the stored payloads of a source kind with the current parser. */
export async function reprocessItems(db: Db, clock: Clock, connector: Connector, trusted: boolean): Promise<RunReport> {
  const rows = await db.selectFrom('ingest_items').select(['external_id', 'raw']).where('source_kind', '=', connector.kind).orderBy('first_seen_at').execute();
  return runIngest(db, clock, { connector, location: 'elementi già ricevuti', items: rows.map((r) => ({ externalId: r.external_id, raw: r.raw as Record<string, unknown> })), trusted, force: true });
}
