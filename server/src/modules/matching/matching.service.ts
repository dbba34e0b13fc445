import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { findCall, findOpenPublishedCalls, type CallRow } from '../calls/index.ts';
import { inputOf } from '../calls/index.ts';
import { isDemoCall, openPublishedCallIds } from '../calls/index.ts';
import type { CallInput } from '../calls/index.ts';
import { estimateAmount } from './matching.amount.ts';
import { evaluateEligibility, withinReach, type CallRules } from './matching.eligibility.ts';
import { loadComuneContexts, type ComuneContext } from './matching.facts.ts';
import { nearMissOf } from './matching.near-miss.ts';
import { populationOf, romeDay, sizeClassOf, type ComuneFacts } from './matching.profile-facts.ts';
import { likelihood, ranker } from './matching.outcomes.ts';
import { avvisoKey, fundingHistory, loadCallOutcomes, loadPeers, peerShares, type CallOutcomes, type FundingHistory } from './outcomes.queries.ts';
import { computeRelevance } from './matching.relevance.ts';
import { callLexemes } from './matching.call-signals.ts';

const DAY = 86_400_000;

/** What a call contributes to every one of its matches, worked out once rather than per comune. */
export interface PreparedCall {
  row: CallRow;
  rules: CallRules;
  amount: CallInput['money']['amount'];
  themes: string[];
  daysLeft: number | null;
  sportelloOpen: boolean;
  warnings: string[];
  /** Italian stems of the call's text, for its text similarity with each intervention. */
  lexemes: ReadonlySet<string>;
  /** Who applied to its earlier windows and editions; null when not loaded (near misses are not ranked). */
  outcomes: CallOutcomes | null;
  /** The call's first opening, for how long it has been open. */
  opensAt: number | null;
  /** Its title folded as the funding history's avvisi are (`avvisoKey`). */
  avvisoKey: string;
}

export function prepareCall(call: CallRow, clock: Clock, lexemes: ReadonlySet<string>, outcomes: CallOutcomes | null = null): PreparedCall {
  const input = inputOf(call);
  const deadline = call.next_deadline ? new Date(call.next_deadline).getTime() : null;
  const daysLeft = deadline === null ? null : Math.ceil((deadline - clock.now.getTime()) / DAY);
  const runningOut =
    call.procedure === 'sportello' && call.remaining_budget !== null && call.total_budget ? call.remaining_budget / call.total_budget < 0.2 : false;
  return {
    row: call,
    rules: {
      title: call.title,
      measureCode: call.measure_code,
      eligibility: input.eligibility,
      windows: input.windows,
      remainingBudget: call.remaining_budget,
    },
    amount: input.money.amount,
    themes: input.themes,
    daysLeft,
    sportelloOpen: call.procedure === 'sportello' && call.status !== 'in_arrivo',
    warnings: runningOut ? ['Sportello: restano meno del 20% delle risorse.'] : [],
    lexemes,
    outcomes,
    opensAt: input.windows.length === 0 ? null : Math.min(...input.windows.map((w) => Date.parse(w.opensAt))),
    avvisoKey: avvisoKey(call.title),
  };
}

/**
 * Prepares a call with its text stemmed by PostgreSQL and the funding outcomes of its earlier windows and
 * editions (from `history`: the app's cache, or read from `db` once per caller).
 */
export async function prepareCallFrom(db: Kysely<Database>, call: CallRow, clock: Clock, history = fundingHistory(db)): Promise<PreparedCall> {
  const [lexemes, outcomes] = await Promise.all([callLexemes(db, call), loadCallOutcomes(history, call, clock.now)]);
  return prepareCall(call, clock, lexemes, outcomes);
}

const fundedByFacts = new WeakMap<ComuneFacts, Map<string | null, Set<string>>>();

/**
 * The avvisi a comune obtained (renounced ones left out) by measure, folded once per comune: a full
 * rematch asks for them once per call it reaches.
 */
function fundedAvvisi(facts: ComuneFacts): Map<string | null, Set<string>> {
  let funded = fundedByFacts.get(facts);
  if (!funded) {
    funded = new Map();
    for (const a of facts.awards) {
      if (a.status === 'rinuncia') continue;
      const keys = funded.get(a.measureCode) ?? new Set<string>();
      funded.set(a.measureCode, keys.add(avvisoKey(a.avviso)));
    }
    fundedByFacts.set(facts, funded);
  }
  return funded;
}

/** How likely comuni like this one are to apply, by the trained ranker; null without the call's outcomes. */
function likelihoodFor(prepared: PreparedCall, facts: ComuneFacts, amount: number | null, clock: Clock): number | null {
  if (!prepared.outcomes) return null;
  const now = clock.now.getTime();
  const funded = fundedAvvisi(facts);
  // An earlier edition: an avviso of the call's measure other than the call itself.
  const editions = funded.get(prepared.rules.measureCode);
  const shares = peerShares(prepared.outcomes, facts.provinceSigla, sizeClassOf(facts.legalPopulation));
  return likelihood(ranker(), {
    call: shares.call,
    edition: shares.edition,
    ownEdition: editions !== undefined && (editions.size > 1 || !editions.has(prepared.avvisoKey)),
    fundedMeasures: funded.size,
    legalPopulation: facts.legalPopulation,
    altitudeZone: facts.altitudeZone,
    daysOpen: prepared.opensAt === null ? null : Math.max(0, Math.floor((now - prepared.opensAt) / DAY)),
    daysLeft: prepared.daysLeft,
    amount,
    themes: prepared.themes,
  });
}

/** One comune against one call: eligibility with every check, amount, relevance and the reasons to show. */
export function evaluateMatch(prepared: PreparedCall, context: ComuneContext, clock: Clock) {
  const { row: call, daysLeft } = prepared;
  const eligibility = evaluateEligibility(prepared.rules, context.facts, clock.now);
  const estimate = estimateAmount(prepared.amount, context.facts, prepared.rules.eligibility.populationBasis);
  const relevance = computeRelevance({
    callThemes: prepared.themes,
    callLexemes: prepared.lexemes,
    items: context.items,
    interests: context.interests,
    estimate,
    daysLeft,
    sportelloOpen: prepared.sportelloOpen,
    likelihood: likelihoodFor(prepared, context.facts, estimate?.likely ?? null, clock),
  });
  const warnings = [...(eligibility.verdict === 'eligible_via_aggregation' ? ['Partecipazione solo in forma associata.'] : []), ...prepared.warnings];
  const row = {
    comune_istat: context.facts.istat,
    call_id: call.id,
    verdict: eligibility.verdict,
    score: eligibility.verdict === 'not_eligible' ? 0 : relevance.score,
    components: relevance.components,
    reasons: { fundableItems: relevance.fundableItems, similarItems: relevance.similarItems, matchedThemes: relevance.matchedThemes, warnings },
    amount_min: estimate?.min ?? null,
    amount_max: estimate?.max ?? null,
    amount_basis: estimate?.basis ?? null,
    call_version: call.version,
  };
  return { row, checks: eligibility.checks };
}

/** The stored part of a match: everything but the checklist, which the detail page recomputes. */
export const matchOne = (prepared: PreparedCall, context: ComuneContext, clock: Clock) => evaluateMatch(prepared, context, clock).row;

type MatchRow = ReturnType<typeof matchOne>;

/** The comuni a call is addressed to, each matched (see `withinReach`). */
export const matchReached = (prepared: PreparedCall, contexts: Iterable<ComuneContext>, clock: Clock) =>
  [...contexts].filter((context) => withinReach(prepared.rules, context.facts)).map((context) => matchOne(prepared, context, clock));

/**
 * The matches worth storing: the comuni that can use the call. A full rematch stores millions of rows,
 * so the others are explained on demand by the detail endpoint and counted by the preview.
 */
const storedMatches = (prepared: PreparedCall, contexts: Iterable<ComuneContext>, clock: Clock) =>
  matchReached(prepared, contexts, clock).filter((row) => row.verdict !== 'not_eligible');

const MATCH_COLUMNS = sql.raw('comune_istat, call_id, verdict, score, components, reasons, amount_min, amount_max, amount_basis, call_version');
/** Rows per statement, sent as one JSON parameter PostgreSQL expands (bound values would hit its 65,535 cap at 5,957 rows). */
const INSERT_BATCH = 5000;

/** Replaces the matches a filter selects with new rows, inside the caller's transaction when there is one. */
async function replaceMatches(db: Kysely<Database>, stale: (trx: Kysely<Database>) => Promise<unknown>, rows: MatchRow[]) {
  const replace = async (trx: Kysely<Database>) => {
    await stale(trx);
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = JSON.stringify(rows.slice(i, i + INSERT_BATCH));
      await sql`insert into matches (${MATCH_COLUMNS}) select ${MATCH_COLUMNS} from json_populate_recordset(null::matches, ${batch}::json)`.execute(trx);
    }
  };
  await (db.isTransaction ? replace(db) : db.transaction().execute(replace));
}

/** A published call prepared for matching; null when it is not (or no longer) published. */
async function preparePublished(db: Kysely<Database>, callId: string, clock: Clock, history?: FundingHistory): Promise<PreparedCall | null> {
  const call = await findCall(db, callId, clock);
  if (!call || call.editorial_status !== 'published' || call.merged_into) return null;
  return prepareCallFrom(db, call, clock, history);
}

/** A published call matched against the comuni it reaches; none when it is not (or no longer) published. */
async function callMatches(
  db: Kysely<Database>,
  callId: string,
  clock: Clock,
  contexts?: Map<string, ComuneContext>,
  history = fundingHistory(db),
): Promise<MatchRow[]> {
  const prepared = await preparePublished(db, callId, clock, history);
  if (!prepared) return [];
  const all = contexts ?? (await loadComuneContexts(db, clock.now));
  return storedMatches(prepared, all.values(), clock);
}

/**
 * The calls of a rematch prepared one ahead: the next call's queries (its text, its outcomes) run while
 * the comuni are matched against this one, and the funding history is read once for all of them.
 */
async function* preparedAhead(
  db: Kysely<Database>,
  ids: string[],
  clock: Clock,
  history: FundingHistory,
): AsyncGenerator<{ id: string; prepared: PreparedCall | null }> {
  const prepare = (i: number) => {
    const next = i < ids.length ? preparePublished(db, ids[i]!, clock, history) : null;
    next?.catch(() => {}); // a failure surfaces where the call is awaited, not as an unhandled rejection
    return next;
  };
  let next = prepare(0);
  for (let i = 0; i < ids.length; i++) {
    const current = next!;
    next = prepare(i + 1);
    yield { id: ids[i]!, prepared: await current };
  }
}

const storeCallMatches = (db: Kysely<Database>, callId: string, rows: MatchRow[]) =>
  replaceMatches(db, (trx) => trx.deleteFrom('matches').where('call_id', '=', callId).execute(), rows);

/** Matches a published call against every comune, storing the eligible (none when it is not published). */
export async function matchCall(db: Kysely<Database>, callId: string, clock: Clock, contexts?: Map<string, ComuneContext>): Promise<number> {
  const rows = await callMatches(db, callId, clock, contexts);
  await storeCallMatches(db, callId, rows);
  return rows.length;
}

/** Writes in flight during a full rematch: PostgreSQL inserting on two cores while the next call is computed. */
const PARALLEL_WRITES = 2;

/**
 * Recomputes every match of the calls still open or upcoming, loading the comuni once. While
 * PostgreSQL stores earlier calls' matches, the next call's are computed.
 */
export async function rematchAll(db: Kysely<Database>, clock: Clock): Promise<{ calls: number; matches: number }> {
  const contexts = await loadComuneContexts(db, clock.now);
  const calls = await openPublishedCallIds(db, clock.now);
  const history = fundingHistory(db);
  let matches = 0;
  const storing = new Set<Promise<void>>();
  for await (const { id, prepared } of preparedAhead(db, calls, clock, history)) {
    const rows = prepared ? storedMatches(prepared, contexts.values(), clock) : [];
    if (storing.size >= PARALLEL_WRITES) await Promise.race(storing);
    const write = storeCallMatches(db, id, rows).finally(() => storing.delete(write));
    write.catch(() => {}); // a failure surfaces where the write is awaited, not as an unhandled rejection
    storing.add(write);
    matches += rows.length;
  }
  await Promise.all(storing);
  return { calls: calls.length, matches };
}

/** Matches the given comuni again against every open or upcoming published call (their profile changed). */
export async function rematchComuni(db: Kysely<Database>, istats: string[], clock: Clock): Promise<number> {
  if (istats.length === 0) return 0;
  const contexts = await loadComuneContexts(db, clock.now, istats);
  const ids = await openPublishedCallIds(db, clock.now);
  const history = fundingHistory(db);
  const rows: MatchRow[] = [];
  for await (const { prepared } of preparedAhead(db, ids, clock, history)) if (prepared) rows.push(...storedMatches(prepared, contexts.values(), clock));
  await replaceMatches(db, (trx) => trx.deleteFrom('matches').where('comune_istat', 'in', istats).execute(), rows);
  return rows.length;
}

/**
 * One comune against one published call, computed now with the full checklist: the detail page
 * explains calls outside the comune's reach too, which have no stored row.
 */
export async function computeOpportunity(db: Kysely<Database>, istat: string, callId: string, clock: Clock, history: FundingHistory = fundingHistory(db)) {
  const call = await findCall(db, callId, clock);
  if (!call || call.editorial_status !== 'published' || call.merged_into) return null;
  const context = (await loadComuneContexts(db, clock.now, [istat])).get(istat);
  if (!context) return null;
  const [prepared, peers] = await Promise.all([prepareCallFrom(db, call, clock, history), loadPeers(db, history, istat, [call], romeDay(clock.now))]);
  const { row, checks } = evaluateMatch(prepared, context, clock);
  return {
    match: {
      ...row,
      checks,
      peers: peers.get(call.id) ?? null,
      population: populationOf(context.facts, prepared.rules.eligibility.populationBasis),
      title: call.title,
      issuer: call.issuer,
      programme_kind: call.programme_kind,
      measure_code: call.measure_code,
      themes: call.themes,
      demo: isDemoCall(call.sources),
      computed_at: clock.now,
    },
    status: call.status,
    deadline: call.next_deadline === null ? null : new Date(call.next_deadline).getTime(),
    /** Its submission windows: the status and deadline above hold until one of them opens or closes. */
    windows: prepared.rules.windows,
  };
}

/**
 * The open or upcoming calls a comune misses by one condition it could act on, computed now: they
 * are not stored (only usable calls are), and a comune has a few dozen open calls to weigh at most.
 */
export async function computeNearMisses(db: Kysely<Database>, istat: string, clock: Clock) {
  const context = (await loadComuneContexts(db, clock.now, [istat])).get(istat);
  if (!context) return null;
  const views = [];
  for (const call of await findOpenPublishedCalls(db, clock)) {
    // Text relevance is for ranking usable calls; a near miss is told by its blocking condition.
    const prepared = prepareCall(call, clock, new Set());
    const { row, checks } = evaluateMatch(prepared, context, clock);
    const nearMiss = nearMissOf({ verdict: row.verdict, checks }, prepared.rules, context.facts);
    if (!nearMiss) continue;
    views.push({
      match: {
        ...row,
        verdict: 'near_miss',
        checks,
        nearMiss,
        title: call.title,
        issuer: call.issuer,
        programme_kind: call.programme_kind,
        measure_code: call.measure_code,
        themes: call.themes,
        demo: isDemoCall(call.sources),
        computed_at: clock.now,
      },
      status: call.status,
      deadline: call.next_deadline === null ? null : new Date(call.next_deadline).getTime(),
    });
  }
  return views;
}
