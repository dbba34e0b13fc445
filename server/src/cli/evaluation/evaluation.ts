import type { AwardRecord } from '../../modules/comuni/index.ts';
export type { RankingFigures } from './evaluation.ranking.ts';
import { estimateAmount } from '../../modules/matching/index.ts';
import { evaluateEligibility } from '../../modules/matching/index.ts';
import { romeDay, type RankerModel } from '../../modules/matching/index.ts';
import { avvisoKey, factsAsOf, type CatalogueAvviso, type ComuneHistory } from './evaluation.data.ts';
import { decisionsOf, isHeldOut } from './evaluation.decisions.ts';
import { HistoryKnowledge } from './evaluation.knowledge.ts';
import { rankDecisions, type RankingFigures } from './evaluation.ranking.ts';

export interface EvaluationInput {
  catalogue: CatalogueAvviso[];
  /** Registry facts and the funding history profiles are built from. */
  histories: Map<string, ComuneHistory>;
  /** The real funded applications the matcher is judged against. */
  truth: AwardRecord[];
  /** Only comuni of this region are judged (ISTAT region code, e.g. "03"). */
  region?: string | undefined;
  /** The trained ranker the matcher uses. */
  model: RankerModel;
  /** The comuni the ranking is judged on: those the ranker never trained on. */
  heldOut?: (istat: string) => boolean;
}

export interface Share {
  hits: number;
  total: number;
  share: number | null;
}

export interface AvvisoFigures {
  avviso: string;
  opensOn: string;
  fundedPairs: number;
  eligibilityRecall: Share;
  amountCheck: 'exact' | 'range' | null;
  /** Grants inside the estimated range. */
  amountAccuracy: Share;
  /** Grants equal to the most likely value. */
  likelyExact: Share;
}

export interface EligibilityMiss {
  istat: string;
  comune: string;
  avviso: string;
  reasons: string[];
}

export interface AmountMiss {
  istat: string;
  comune: string;
  avviso: string;
  granted: number;
  estimated: string;
}

export interface EvaluationReport {
  region: string | null;
  comuni: number;
  truthPairs: number;
  skipped: { avvisoNotInCatalogue: number; comuneNotInRegistry: number; outsideRegion: number };
  perAvviso: AvvisoFigures[];
  total: { eligibilityRecall: Share; amountAccuracy: Share; likelyExact: Share };
  eligibilityMisses: EligibilityMiss[];
  amountMisses: AmountMiss[];
  ranking: RankingFigures;
}

const share = (hits: number, total: number): Share => ({ hits, total, share: total === 0 ? null : Math.round((hits / total) * 10000) / 10000 });
const CENT = 0.005;

/** The truth, one record per (comune, avviso of the catalogue), within the judged region. */
function judgedPairs(input: EvaluationInput, byKey: Map<string, CatalogueAvviso>) {
  const skipped = { avvisoNotInCatalogue: 0, comuneNotInRegistry: 0, outsideRegion: 0 };
  const pairs = new Map<string, { award: AwardRecord; avviso: CatalogueAvviso; history: ComuneHistory }>();
  for (const award of input.truth) {
    const avviso = byKey.get(avvisoKey(award.avviso));
    const history = input.histories.get(award.comune_istat);
    if (!avviso) skipped.avvisoNotInCatalogue++;
    else if (!history) skipped.comuneNotInRegistry++;
    else if (input.region && history.facts.regionCode !== input.region) skipped.outsideRegion++;
    else {
      const key = `${award.comune_istat}\u0000${avviso.key}`;
      const seen = pairs.get(key);
      // A renounced application and a later funded one of the same pair: judge the funded one.
      if (!seen || (seen.award.status === 'rinuncia' && award.status !== 'rinuncia')) pairs.set(key, { award, avviso, history });
    }
  }
  return { pairs: [...pairs.values()], skipped };
}

function amountCheckOf(avviso: CatalogueAvviso): 'exact' | 'range' | null {
  const kind = avviso.amount?.kind;
  return kind === 'fixed' || kind === 'brackets' ? 'exact' : kind === 'per_unit' || kind === 'range' ? 'range' : null;
}

/**
 * Judges the matcher against real funded applications: was every funded comune judged eligible on the
 * avviso's opening day, with only the funding it had obtained before; does the estimated amount match
 * what was granted; and do the matcher's top 3 contain the avvisi a comune applied to on a given day.
 */
export function evaluateMatching(input: EvaluationInput): EvaluationReport {
  const byKey = new Map(input.catalogue.map((a) => [a.key, a]));
  const { pairs, skipped } = judgedPairs(input, byKey);
  const perAvviso = new Map(input.catalogue.map((a) => [a.key, { eligible: 0, pairs: 0, amountHits: 0, amountTotal: 0, likelyHits: 0 }]));
  const eligibilityMisses: EligibilityMiss[] = [];
  const amountMisses: AmountMiss[] = [];

  for (const { award, avviso, history } of pairs) {
    const figures = perAvviso.get(avviso.key)!;
    const facts = factsAsOf(history, romeDay(avviso.opensAt));
    const eligibility = evaluateEligibility(avviso.rules, facts, avviso.opensAt);
    figures.pairs++;
    if (eligibility.verdict !== 'not_eligible') figures.eligible++;
    else
      eligibilityMisses.push({
        istat: facts.istat,
        comune: facts.name,
        avviso: avviso.title,
        reasons: eligibility.checks.filter((c) => c.outcome === 'fail').map((c) => c.message),
      });

    const check = amountCheckOf(avviso);
    if (!check || award.status === 'rinuncia') continue;
    const estimate = estimateAmount(avviso.amount, facts, avviso.rules.eligibility.populationBasis);
    const hit = estimate !== null && award.amount >= estimate.min - CENT && award.amount <= estimate.max + CENT;
    figures.amountTotal++;
    if (estimate !== null && Math.abs(award.amount - estimate.likely) <= CENT) figures.likelyHits++;
    if (hit) figures.amountHits++;
    else
      amountMisses.push({
        istat: facts.istat,
        comune: facts.name,
        avviso: avviso.title,
        granted: award.amount,
        estimated: estimate ? (estimate.min === estimate.max ? `${estimate.min}` : `${estimate.min}–${estimate.max}`) : 'nessuna stima',
      });
  }

  const rows: AvvisoFigures[] = input.catalogue
    .map((a) => {
      const f = perAvviso.get(a.key)!;
      return {
        avviso: a.title,
        opensOn: romeDay(a.opensAt),
        fundedPairs: f.pairs,
        eligibilityRecall: share(f.eligible, f.pairs),
        amountCheck: amountCheckOf(a),
        amountAccuracy: share(f.amountHits, f.amountTotal),
        likelyExact: share(f.likelyHits, f.amountTotal),
      };
    })
    .filter((r) => r.fundedPairs > 0);
  const sum = (pick: (r: AvvisoFigures) => Share) =>
    share(
      rows.reduce((n, r) => n + pick(r).hits, 0),
      rows.reduce((n, r) => n + pick(r).total, 0),
    );
  const judged = new Set(pairs.map((p) => p.history.facts.istat));
  return {
    region: input.region ?? null,
    comuni: judged.size,
    truthPairs: pairs.length,
    skipped,
    perAvviso: rows,
    total: { eligibilityRecall: sum((r) => r.eligibilityRecall), amountAccuracy: sum((r) => r.amountAccuracy), likelyExact: sum((r) => r.likelyExact) },
    eligibilityMisses,
    amountMisses,
    ranking: rankHeldOut(input, pairs),
  };
}

/**
 * The ranking judged on the comuni the ranker never trained on (`isHeldOut`); the public data has no
 * local programming, so the matcher ranks on eligibility, the learned likelihood, amount and urgency.
 */
function rankHeldOut(input: EvaluationInput, pairs: { award: AwardRecord; history: ComuneHistory }[]): RankingFigures {
  const knowledge = new HistoryKnowledge(input.catalogue, input.histories);
  const decisions = decisionsOf(
    pairs.filter((p) => (input.heldOut ?? isHeldOut)(p.history.facts.istat)),
    input.catalogue,
  );
  return rankDecisions(decisions, knowledge, input.model);
}
