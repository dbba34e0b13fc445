import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { canonicalJson } from '../auth/index.ts';
import type { Config } from '../../plugins/config.ts';
import type { Database } from '../../plugins/db/schema.ts';
import { DomainError } from '../../shared/domain-errors.ts';
import { outboundFetch } from '../../plugins/outbound.ts';
import { excerpt } from '../../shared/excerpt.ts';
import type { Clock } from '../../shared/clock.ts';
import { callsBySourceItem, findCall } from '../calls/index.ts';
import { createCall, updateCall, type Actor } from '../calls/index.ts';
import { parseMeasureCode } from '../calls/index.ts';
import { ItemError, type Connector, type RawItem } from './ingest.connector.ts';
import { callInputProblems } from './ingest.input-check.ts';
import { cleanedOfControlCharacters, withoutControlCharacters } from '../../shared/control-characters.ts';
import { openRun } from './ingest.queries.ts';
import { loadThemeRules, suggestThemes, type ThemeRule } from './theme-rules.suggestions.ts';

type Db = Kysely<Database>;

/** What reading a remote source needs from the configuration. */
export type IngestLimits = Pick<Config, 'outboundAllowPrivateNetworks' | 'ingestMaxBytes'>;

export interface IngestJob {
  connector: Connector;
  /** The http(s) URL of the source, the file's name, or a description when items are given. */
  location: string;
  /** Items already split (JSON push, re-processing); otherwise the payload or the location is read. */
  items?: RawItem[];
  /**
   * The content of a local file the operator named on the command line, read as a single page.
   * Nothing else is ever read from disk: a location is always fetched, and must be http(s).
   */
  payload?: Uint8Array;
  /** For fetched locations; without it, no private networks and the default size cap. */
  limits?: IngestLimits;
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
const PAGE_TIMEOUT_MS = 30_000;
const STRICT_LIMITS: IngestLimits = { outboundAllowPrivateNetworks: false, ingestMaxBytes: 52_428_800 };
const ACCEPT = 'application/json, text/csv, application/rss+xml, application/atom+xml, */*';
const hashOf = (raw: unknown) => createHash('sha256').update(canonicalJson(raw)).digest('hex');

/** One page of a remote source, through the outbound guard, capped in size and time. */
async function fetchPage(url: string, limits: IngestLimits): Promise<Uint8Array> {
  const response = await outboundFetch(url, {
    headers: { accept: ACCEPT, 'user-agent': 'Cruscotto-Ingest/1' },
    allowPrivateNetworks: limits.outboundAllowPrivateNetworks,
    maxBytes: limits.ingestMaxBytes,
    timeoutMs: PAGE_TIMEOUT_MS,
  });
  if (response.status < 200 || response.status >= 300) throw new Error(`la fonte ha risposto ${response.status} ${excerpt(response.statusText, 80)}`);
  return response.body;
}

/** The origin of a source's URL: anything but http(s) is refused, files included. */
function sourceOrigin(location: string): string {
  const url = URL.canParse(location) ? new URL(location) : null;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:')
    throw new Error('la fonte deve essere un indirizzo http o https (un file locale si importa da riga di comando)');
  return url.origin;
}

/** The next page to read: an absolute link on the source's own site, not one already read. */
function followingPage(link: string | null, origin: string, read: Set<string>): string | null {
  if (!link) return null;
  const url = URL.canParse(link) ? new URL(link) : null;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:')
    throw new Error(`il link alla pagina successiva non è un indirizzo http o https ("${excerpt(link, 80)}"): non seguito`);
  if (url.origin !== origin) throw new Error(`il link alla pagina successiva porta a un altro sito (${excerpt(url.origin, 80)}): non seguito`);
  return read.has(url.href) ? null : url.href;
}

/** Every item of a remote source, following the pages of paged sources on the same site. */
async function fetchItems(connector: Connector, location: string, limits: IngestLimits): Promise<RawItem[]> {
  const origin = sourceOrigin(location);
  const items: RawItem[] = [];
  const read = new Set<string>();
  let next: string | null = location;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    read.add(next);
    const payload = await fetchPage(next, limits);
    items.push(...connector.split(payload, next));
    next = followingPage(connector.nextPage?.(payload) ?? null, origin, read);
  }
  return items;
}

function itemsOf(job: IngestJob): RawItem[] | Promise<RawItem[]> {
  if (job.items) return job.items;
  // A file's page links are not followed: the operator named one file, not a site.
  if (job.payload) return job.connector.split(job.payload, job.location);
  return fetchItems(job.connector, job.location, job.limits ?? STRICT_LIMITS);
}

function reasonOf(error: unknown): string {
  if (error instanceof ItemError) return excerpt(error.message);
  if (!(error instanceof DomainError)) return 'errore imprevisto nel salvataggio';
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
    .values({
      source_kind: kind,
      external_id: item.externalId,
      raw,
      hash,
      call_id: done ? outcome.callId : outcome.knownCallId,
      error: done ? null : outcome.error,
    })
    .onConflict((oc) => oc.columns(['source_kind', 'external_id']).doUpdateSet({ ...changes, last_seen_at: sql`now()` }))
    .execute();
}

async function processItem(state: RunState, remote: RawItem): Promise<void> {
  const { db, job, kind, report } = state;
  // A remote payload is hostile: control bytes go before anything reads or stores it (jsonb refuses NUL).
  const item = { externalId: withoutControlCharacters(remote.externalId), raw: cleanedOfControlCharacters(remote.raw) };
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
    // Whichever connector read it, the call must pass the checks the API applies to an editor's.
    const problems = callInputProblems(input);
    if (problems) throw new ItemError(problems);
    const suggested =
      input.themes.length > 0 ? [] : suggestThemes(state.rules, parseMeasureCode(input.programme.code), `${input.title} ${input.summary ?? ''}`);
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
        // An untrusted source's update of a published call waits as a revision for the editors.
        const current = await findCall(trx, callId, state.clock);
        const changes = await updateCall(trx, actor, callId, { ...input, themes: current!.themes }, state.clock, { review: !job.trusted });
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
  const run = await openRun(db, { source_id: job.sourceId ?? null, kind, location: job.location });
  const report: RunReport = {
    runId: run.id,
    kind,
    location: job.location,
    status: 'succeeded',
    seen: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    failures: [],
    error: null,
  };
  try {
    const items = await itemsOf(job);
    report.seen = items.length;
    const known = new Map(
      (await db.selectFrom('ingest_items').select(['external_id', 'hash', 'call_id', 'error']).where('source_kind', '=', kind).execute()).map((i) => [
        i.external_id,
        { hash: i.hash, callId: i.call_id, error: i.error },
      ]),
    );
    const linked = await callsBySourceItem(db, kind);
    const state: RunState = { db, clock, job, kind, rules: await loadThemeRules(db), known, linked, report };
    const order = new Map(items.map((item, i) => [item.externalId, i]));
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < items.length) await processItem(state, items[next++]!);
      }),
    );
    report.failures.sort((a, b) => (order.get(a.externalId) ?? 0) - (order.get(b.externalId) ?? 0));
  } catch (error) {
    report.status = 'failed';
    // Parsers quote what they read: the message keeps only a short, clean excerpt of it.
    report.error =
      error instanceof ItemError ? excerpt(error.message) : `fonte illeggibile: ${excerpt(error instanceof Error ? error.message : String(error))}`;
  }
  await db
    .updateTable('ingest_runs')
    .set({
      status: report.status,
      seen: report.seen,
      created: report.created,
      updated: report.updated,
      unchanged: report.unchanged,
      failed: report.failed,
      failures: JSON.stringify(report.failures),
      error: report.error,
      finished_at: sql`now()`,
    })
    .where('id', '=', run.id)
    .execute();
  return report;
}

/** Reads again the stored payloads of a source kind with the current parser. */
export async function reprocessItems(db: Db, clock: Clock, connector: Connector, trusted: boolean): Promise<RunReport> {
  const rows = await db.selectFrom('ingest_items').select(['external_id', 'raw']).where('source_kind', '=', connector.kind).orderBy('first_seen_at').execute();
  return runIngest(db, clock, {
    connector,
    location: 'elementi già ricevuti',
    items: rows.map((r) => ({ externalId: r.external_id, raw: r.raw as Record<string, unknown> })),
    trusted,
    force: true,
  });
}
