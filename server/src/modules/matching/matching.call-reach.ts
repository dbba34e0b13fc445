import { byItalianName } from '../../shared/names.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { sizeClassSql } from '../comuni/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { findCall } from '../calls/index.ts';
import { loadComuneContexts } from './matching.facts.ts';
import { matchReached, prepareCallFrom } from './matching.service.ts';
import { sizeClassOf } from './matching.profile-facts.ts';

export interface Reach {
  eligible: number;
  eligibleViaAggregation: number;
  /** Only in the preview: stored matches keep the comuni that can use the call. */
  notEligible?: number;
  byProvince: Record<string, number>;
  bySizeClass: Record<string, number>;
  totalEstimatedAmount: number;
}

function summarise(rows: { verdict: string; province: string; population: number | null; amountMax: number | null }[]): Reach {
  const reach: Reach = { eligible: 0, eligibleViaAggregation: 0, byProvince: {}, bySizeClass: {}, totalEstimatedAmount: 0 };
  for (const row of rows) {
    if (row.verdict === 'not_eligible') {
      reach.notEligible = (reach.notEligible ?? 0) + 1;
      continue;
    }
    if (row.verdict === 'eligible') reach.eligible++;
    else reach.eligibleViaAggregation++;
    reach.byProvince[row.province] = (reach.byProvince[row.province] ?? 0) + 1;
    const size = sizeClassOf(row.population) ?? 'n.d.';
    reach.bySizeClass[size] = (reach.bySizeClass[size] ?? 0) + 1;
    reach.totalEstimatedAmount += row.amountMax ?? 0;
  }
  return reach;
}

/** Who a call reaches, from the stored matches, with a page of the eligible comuni by score. */
export async function callReach(db: Kysely<Database>, callId: string, limit: number, offset: number) {
  const rows = await db
    .selectFrom('matches as m')
    .innerJoin('comuni as c', 'c.istat', 'm.comune_istat')
    .select(['m.comune_istat', 'c.name', 'c.province_sigla', 'c.legal_population', 'm.verdict', 'm.score', 'm.amount_max'])
    .select(sizeClassSql.as('size_class'))
    .where('m.call_id', '=', callId)
    .orderBy('m.score', 'desc')
    .orderBy('c.name_folded')
    .execute();
  return {
    reach: summarise(rows.map((r) => ({ verdict: r.verdict, province: r.province_sigla, population: r.legal_population, amountMax: r.amount_max }))),
    items: rows.slice(offset, offset + limit).map((r) => ({
      istat: r.comune_istat,
      name: r.name,
      provinceSigla: r.province_sigla,
      sizeClass: r.size_class,
      verdict: r.verdict,
      score: r.score,
      amountMax: r.amount_max,
    })),
    total: rows.length,
  };
}

/** A comune the preview reaches, with the amount the call would give it. */
export interface ReachedComune {
  istat: string;
  name: string;
  provinceSigla: string;
  sizeClass: string | null;
  verdict: string;
  amountMin: number | null;
  amountMax: number | null;
}

/**
 * The reach a call would have if published as it is now (drafts included), computed without storing,
 * with the comuni reached in alphabetical order (every one: the route pages them).
 */
export async function previewReach(
  db: Kysely<Database>,
  callId: string,
  clock: Clock,
): Promise<(Reach & { notEligible: number; comuni: ReachedComune[] }) | undefined> {
  const call = await findCall(db, callId, clock);
  if (!call) return undefined;
  const contexts = await loadComuneContexts(db, clock.now);
  const prepared = await prepareCallFrom(db, call, clock);
  const matches = matchReached(prepared, contexts.values(), clock).map((match) => ({ match, facts: contexts.get(match.comune_istat)!.facts }));
  const reach = summarise(
    matches.map(({ match, facts }) => ({
      verdict: match.verdict,
      province: facts.provinceSigla,
      population: facts.legalPopulation,
      amountMax: match.amount_max,
    })),
  );
  const comuni = matches
    .filter(({ match }) => match.verdict !== 'not_eligible')
    .map(({ match, facts }) => ({
      istat: facts.istat,
      name: facts.name,
      provinceSigla: facts.provinceSigla,
      sizeClass: sizeClassOf(facts.legalPopulation),
      verdict: match.verdict,
      amountMin: match.amount_min,
      amountMax: match.amount_max,
    }))
    .sort((a, b) => byItalianName(a.name, b.name) || a.istat.localeCompare(b.istat));
  return { ...reach, notEligible: reach.notEligible ?? 0, comuni };
}
