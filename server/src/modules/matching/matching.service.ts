import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import type { Clock } from '../calls/calls.queries.ts';
import { findCall, type CallRow } from '../calls/calls.queries.ts';
import { inputOf } from '../calls/calls.mappers.ts';
import type { CallInput } from '../calls/calls.schemas.ts';
import { estimateAmount } from './amount.ts';
import { evaluateEligibility, type CallRules } from './eligibility.ts';
import { loadComuneContexts, type ComuneContext } from './matching.facts.ts';
import { computeRelevance } from './relevance.ts';

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
}

export function prepareCall(call: CallRow, clock: Clock): PreparedCall {
  const input = inputOf(call);
  const deadline = call.next_deadline ? new Date(call.next_deadline).getTime() : null;
  const daysLeft = deadline === null ? null : Math.ceil((deadline - clock.now.getTime()) / DAY);
  const runningOut = call.procedure === 'sportello' && call.remaining_budget !== null && call.total_budget ? call.remaining_budget / call.total_budget < 0.2 : false;
  return {
    row: call,
    rules: { title: call.title, measureCode: call.measure_code, eligibility: input.eligibility, windows: input.windows, remainingBudget: call.remaining_budget },
    amount: input.money.amount,
    themes: input.themes,
    daysLeft,
    sportelloOpen: call.procedure === 'sportello' && call.status !== 'in_arrivo',
    warnings: [...(runningOut ? ['Sportello: restano meno del 20% delle risorse.'] : []), ...(daysLeft !== null && daysLeft > 0 && daysLeft <= 14 ? [`Scade tra ${daysLeft} giorni.`] : [])],
  };
}

/** One comune against one call: eligibility, amount, relevance and the reasons to show. */
export function matchOne(prepared: PreparedCall, context: ComuneContext, clock: Clock) {
  const { row: call, daysLeft } = prepared;
  const eligibility = evaluateEligibility(prepared.rules, context.facts, clock.now);
  const estimate = estimateAmount(prepared.amount, context.facts);
  const relevance = computeRelevance({ callThemes: prepared.themes, items: context.items, interests: context.interests, estimate, daysLeft, sportelloOpen: prepared.sportelloOpen });
  const warnings = [...(eligibility.verdict === 'eligible_via_aggregation' ? ['Partecipazione solo in forma associata.'] : []), ...prepared.warnings];
  return {
    comune_istat: context.facts.istat,
    call_id: call.id,
    verdict: eligibility.verdict,
    score: eligibility.verdict === 'not_eligible' ? 0 : relevance.score,
    components: JSON.stringify(relevance.components),
    checks: JSON.stringify(eligibility.checks),
    reasons: JSON.stringify({ fundableItems: relevance.fundableItems, matchedThemes: relevance.matchedThemes, amountBasis: estimate?.basis ?? null, daysLeft, warnings }),
    amount_min: estimate?.min ?? null,
    amount_max: estimate?.max ?? null,
    amount_basis: estimate?.basis ?? null,
    call_version: call.version,
  };
}

type MatchRow = ReturnType<typeof matchOne>;

/** Replaces the matches a filter selects with new rows, inside the caller's transaction when there is one. */
async function replaceMatches(db: Kysely<Database>, stale: (trx: Kysely<Database>) => Promise<unknown>, rows: MatchRow[]) {
  const replace = async (trx: Kysely<Database>) => {
    await stale(trx);
    for (let i = 0; i < rows.length; i += 1000) await trx.insertInto('matches').values(rows.slice(i, i + 1000)).execute();
  };
  await (db.isTransaction ? replace(db) : db.transaction().execute(replace));
}

/** Matches a published call against every comune (or removes its matches when it is not published). */
export async function matchCall(db: Kysely<Database>, callId: string, clock: Clock, contexts?: Map<string, ComuneContext>): Promise<number> {
  const call = await findCall(db, callId, clock);
  if (!call || call.editorial_status !== 'published' || call.merged_into) {
    await db.deleteFrom('matches').where('call_id', '=', callId).execute();
    return 0;
  }
  const all = contexts ?? (await loadComuneContexts(db, clock.now));
  const prepared = prepareCall(call, clock);
  const rows = [...all.values()].map((context) => matchOne(prepared, context, clock));
  await replaceMatches(db, (trx) => trx.deleteFrom('matches').where('call_id', '=', callId).execute(), rows);
  return rows.length;
}

/** Recomputes every match of the calls still open or upcoming, loading the comuni once. */
export async function rematchAll(db: Kysely<Database>, clock: Clock): Promise<{ calls: number; matches: number }> {
  const contexts = await loadComuneContexts(db, clock.now);
  const calls = await openCallIds(db, clock);
  let matches = 0;
  for (const id of calls) matches += await matchCall(db, id, clock, contexts);
  return { calls: calls.length, matches };
}

async function openCallIds(db: Kysely<Database>, clock: Clock): Promise<string[]> {
  const rows = await db
    .selectFrom('calls')
    .select('id')
    .where('editorial_status', '=', 'published')
    .where('merged_into', 'is', null)
    .where((eb) => eb.or([eb('closes_at', 'is', null), eb('closes_at', '>', clock.now)]))
    .execute();
  return rows.map((r) => r.id);
}

/** Matches the given comuni again against every open or upcoming published call (their profile changed). */
export async function rematchComuni(db: Kysely<Database>, istats: string[], clock: Clock): Promise<number> {
  if (istats.length === 0) return 0;
  const contexts = await loadComuneContexts(db, clock.now, istats);
  const ids = await openCallIds(db, clock);
  const rows: MatchRow[] = [];
  for (const id of ids) {
    const call = await findCall(db, id, clock);
    if (!call) continue;
    const prepared = prepareCall(call, clock);
    for (const context of contexts.values()) rows.push(matchOne(prepared, context, clock));
  }
  await replaceMatches(db, (trx) => trx.deleteFrom('matches').where('comune_istat', 'in', istats).execute(), rows);
  return rows.length;
}
