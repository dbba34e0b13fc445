import { computeRelevance, estimateAmount, evaluateEligibility, likelihood, type RankerModel, type Verdict } from '../../modules/matching/index.ts';
import { factsAsOf, type CatalogueAvviso } from './evaluation.data.ts';
import type { Decision } from './evaluation.decisions.ts';
import type { HistoryKnowledge } from './evaluation.knowledge.ts';

export const RANKERS = ['matcher', 'popularity', 'sizeAware', 'provinceSize'] as const;
export type Ranker = (typeof RANKERS)[number];

export interface RankingMetrics {
  recallAt3: number;
  precisionAt3: number;
  meanAveragePrecision: number;
}

export interface AvvisoRanking {
  avviso: string;
  /** Applications to this avviso among the judged decisions. */
  applications: number;
  byRanker: Record<Ranker, RankingMetrics>;
}

export interface RankingFigures {
  /** Days on which a held-out comune sent at least one application to an avviso of the catalogue. */
  decisions: number;
  applications: number;
  byRanker: Record<Ranker, RankingMetrics>;
  perAvviso: AvvisoRanking[];
}

const VERDICT_ORDER: Record<Verdict, number> = { eligible: 0, eligible_via_aggregation: 1, not_eligible: 2 };
const NO_TEXT: ReadonlySet<string> = new Set();
const DAY = 86_400_000;
const round = (n: number) => Math.round(n * 10000) / 10000;

/** The matcher as the product ranks: eligible first, then the relevance score, then the amount. */
function matcherKey(model: RankerModel, knowledge: HistoryKnowledge, d: Decision) {
  const facts = factsAsOf(d.history, d.day);
  return (a: CatalogueAvviso): number[] => {
    const verdict = evaluateEligibility(a.rules, facts, d.at).verdict;
    const estimate = estimateAmount(a.amount, facts, a.rules.eligibility.populationBasis);
    const deadline = a.rules.windows.map((w) => (w.closesAt ? Date.parse(w.closesAt) : Infinity)).find((t) => t > d.at.getTime());
    const daysLeft = deadline === undefined || deadline === Infinity ? null : Math.ceil((deadline - d.at.getTime()) / DAY);
    const chance = likelihood(model, knowledge.signals(a, d.history, d.at, estimate?.likely ?? null));
    const relevance = computeRelevance({
      callThemes: a.themes,
      callLexemes: NO_TEXT,
      items: [],
      interests: [],
      estimate,
      daysLeft,
      sportelloOpen: false,
      likelihood: chance,
    });
    return [VERDICT_ORDER[verdict], -relevance.score, -(estimate?.max ?? 0)];
  };
}

/**
 * The fair baselines know only what was known on the decision day: applications sent before it.
 * Popularity over all Italy; within the size class; within the province and size class, counting the
 * avviso's earlier windows and the earlier editions of its measure.
 */
function baselineKey(ranker: Exclude<Ranker, 'matcher'>, knowledge: HistoryKnowledge, d: Decision) {
  return (a: CatalogueAvviso): number[] => {
    if (ranker === 'popularity') return [-knowledge.appliedBefore(a, d.day)];
    if (ranker === 'sizeAware') return [-knowledge.peerShare(a, d.history, 'size', d.day).applied];
    return [-knowledge.provinceSizeApplied(a, d.history, d.day)];
  };
}

function compareTuples(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Orders the candidates by a key; ties by title, so that every ranker breaks them alike. */
function rank(candidates: CatalogueAvviso[], key: (a: CatalogueAvviso) => number[]): CatalogueAvviso[] {
  const keys = new Map(candidates.map((a) => [a.key, key(a)]));
  return [...candidates].sort((a, b) => compareTuples(keys.get(a.key)!, keys.get(b.key)!) || a.title.localeCompare(b.title));
}

interface Tally {
  hitsAt3: number;
  relevant: number;
  precisionAt3: number;
  averagePrecision: number;
  decisions: number;
}
const emptyTally = (): Tally => ({ hitsAt3: 0, relevant: 0, precisionAt3: 0, averagePrecision: 0, decisions: 0 });
const metricsOf = (t: Tally): RankingMetrics => ({
  recallAt3: t.relevant === 0 ? 0 : round(t.hitsAt3 / t.relevant),
  precisionAt3: t.decisions === 0 ? 0 : round(t.precisionAt3 / t.decisions),
  meanAveragePrecision: t.decisions === 0 ? 0 : round(t.averagePrecision / t.decisions),
});

/**
 * Recall@3, precision@3 and mean average precision of each ranker over the decisions. Per avviso, the
 * same figures over its applications: in the top 3 or not, the precision at its rank, and of the times a
 * ranker put it in the top 3 how often it was chosen.
 */
export function rankDecisions(decisions: Decision[], knowledge: HistoryKnowledge, model: RankerModel): RankingFigures {
  const total = Object.fromEntries(RANKERS.map((r) => [r, emptyTally()])) as Record<Ranker, Tally>;
  const perAvviso = new Map<string, { title: string; tallies: Record<Ranker, Tally & { shownInTop3: number }> }>();
  const avvisoTally = (a: CatalogueAvviso) => {
    if (!perAvviso.has(a.key))
      perAvviso.set(a.key, { title: a.title, tallies: Object.fromEntries(RANKERS.map((r) => [r, { ...emptyTally(), shownInTop3: 0 }])) as never });
    return perAvviso.get(a.key)!.tallies;
  };
  let applications = 0;
  for (const d of decisions) {
    applications += d.candidates.filter((a) => d.applied.has(a.key)).length;
    for (const ranker of RANKERS) {
      const order = rank(d.candidates, ranker === 'matcher' ? matcherKey(model, knowledge, d) : baselineKey(ranker, knowledge, d));
      const relevant = order.filter((a) => d.applied.has(a.key)).length;
      let hits = 0;
      let precisionSum = 0;
      order.forEach((a, i) => {
        const tally = avvisoTally(a)[ranker];
        if (i < 3) tally.shownInTop3++;
        if (!d.applied.has(a.key)) return;
        hits++;
        precisionSum += hits / (i + 1);
        tally.relevant++;
        tally.decisions++;
        tally.averagePrecision += hits / (i + 1);
        if (i < 3) tally.hitsAt3++;
      });
      const t = total[ranker];
      const top3Hits = order.slice(0, 3).filter((a) => d.applied.has(a.key)).length;
      t.decisions++;
      t.relevant += relevant;
      t.hitsAt3 += top3Hits;
      t.precisionAt3 += top3Hits / 3;
      t.averagePrecision += precisionSum / relevant;
    }
  }
  return {
    decisions: decisions.length,
    applications,
    byRanker: Object.fromEntries(RANKERS.map((r) => [r, metricsOf(total[r])])) as Record<Ranker, RankingMetrics>,
    perAvviso: [...perAvviso.values()]
      .map(({ title, tallies }) => ({
        avviso: title,
        applications: tallies.matcher.relevant,
        byRanker: Object.fromEntries(
          RANKERS.map((r) => {
            const t = tallies[r];
            return [r, { ...metricsOf(t), precisionAt3: t.shownInTop3 === 0 ? 0 : round(t.hitsAt3 / t.shownInTop3) }];
          }),
        ) as Record<Ranker, RankingMetrics>,
      }))
      .filter((r) => r.applications > 0),
  };
}
