import type { AwardRecord } from '../../modules/comuni/index.ts';
import { estimateAmount } from '../../modules/matching/index.ts';
import { evaluateEligibility, type Verdict } from '../../modules/matching/index.ts';
import { romeDay, sizeClassOf } from '../../modules/matching/index.ts';
import { computeRelevance } from '../../modules/matching/index.ts';
import { avvisoKey, factsAsOf, type CatalogueAvviso, type ComuneHistory } from './evaluation.data.ts';

export interface EvaluationInput {
  catalogue: CatalogueAvviso[];
  /** Registry facts and the funding history profiles are built from. */
  histories: Map<string, ComuneHistory>;
  /** The real funded applications the matcher is judged against. */
  truth: AwardRecord[];
  /** Only comuni of this region are judged (ISTAT region code, e.g. "03"). */
  region?: string | undefined;
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
  amountAccuracy: Share;
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

export interface RankingFigures {
  /** Days on which a comune sent at least one application to an avviso of the catalogue. */
  decisions: number;
  recallAt3: { matcher: number; popularity: number; sizeAware: number };
}

export interface EvaluationReport {
  region: string | null;
  comuni: number;
  truthPairs: number;
  skipped: { avvisoNotInCatalogue: number; comuneNotInRegistry: number; outsideRegion: number };
  perAvviso: AvvisoFigures[];
  total: { eligibilityRecall: Share; amountAccuracy: Share };
  eligibilityMisses: EligibilityMiss[];
  amountMisses: AmountMiss[];
  ranking: RankingFigures;
}

const share = (hits: number, total: number): Share => ({ hits, total, share: total === 0 ? null : Math.round((hits / total) * 10000) / 10000 });
const CENT = 0.005;
const DAY = 86_400_000;
/** The public data has no local programming: the matcher ranks on eligibility, amount and urgency alone. */
const NO_TEXT: ReadonlySet<string> = new Set();

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
  const perAvviso = new Map(input.catalogue.map((a) => [a.key, { eligible: 0, pairs: 0, amountHits: 0, amountTotal: 0 }]));
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
    const estimate = estimateAmount(avviso.amount, facts);
    const hit = estimate !== null && award.amount >= estimate.min - CENT && award.amount <= estimate.max + CENT;
    figures.amountTotal++;
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
    total: { eligibilityRecall: sum((r) => r.eligibilityRecall), amountAccuracy: sum((r) => r.amountAccuracy) },
    eligibilityMisses,
    amountMisses,
    ranking: rankAvvisi(input, pairs),
  };
}

const VERDICT_ORDER: Record<Verdict, number> = { eligible: 0, eligible_via_aggregation: 1, not_eligible: 2 };
const openOn = (avviso: CatalogueAvviso, at: Date) =>
  avviso.rules.windows.some((w) => Date.parse(w.opensAt) <= at.getTime() && (w.closesAt === null || Date.parse(w.closesAt) > at.getTime()));

/** How many comuni obtained each avviso in the history, overall and by size class: the baselines' knowledge. */
function popularity(input: EvaluationInput) {
  const overall = new Map<string, Set<string>>();
  const bySize = new Map<string, Map<string, Set<string>>>();
  const add = (map: Map<string, Set<string>>, key: string, istat: string) => map.set(key, (map.get(key) ?? new Set()).add(istat));
  for (const history of input.histories.values()) {
    const size = sizeClassOf(history.facts.legalPopulation) ?? 'n.d.';
    if (!bySize.has(size)) bySize.set(size, new Map());
    for (const award of history.awards) {
      add(overall, avvisoKey(award.avviso), history.facts.istat);
      add(bySize.get(size)!, avvisoKey(award.avviso), history.facts.istat);
    }
  }
  const count = (map: Map<string, Set<string>> | undefined, key: string) => map?.get(key)?.size ?? 0;
  return {
    overall: (a: CatalogueAvviso) => count(overall, a.key),
    sizeAware: (a: CatalogueAvviso, history: ComuneHistory) => count(bySize.get(sizeClassOf(history.facts.legalPopulation) ?? 'n.d.'), a.key),
  };
}

/**
 * Recall at 3: on each day a comune sent applications, rank the avvisi open that day (less those it had
 * already applied to) and count how many of that day's applications are in the top 3.
 */
function rankAvvisi(input: EvaluationInput, pairs: { award: AwardRecord; avviso: CatalogueAvviso; history: ComuneHistory }[]): RankingFigures {
  const decisions = new Map<string, { history: ComuneHistory; at: Date; day: string; applied: Set<string> }>();
  for (const { award, avviso, history } of pairs) {
    if (!award.applied_at) continue;
    const day = romeDay(award.applied_at);
    const key = `${history.facts.istat}\u0000${day}`;
    const decision = decisions.get(key) ?? { history, at: award.applied_at, day, applied: new Set() };
    if (award.applied_at < decision.at) decision.at = award.applied_at;
    decision.applied.add(avviso.key);
    decisions.set(key, decision);
  }
  const applications = new Map<string, { key: string; day: string }[]>();
  for (const d of decisions.values()) {
    const list = applications.get(d.history.facts.istat) ?? [];
    for (const key of d.applied) list.push({ key, day: d.day });
    applications.set(d.history.facts.istat, list);
  }

  const popular = popularity(input);
  const hits = { matcher: 0, popularity: 0, sizeAware: 0 };
  let relevantTotal = 0;
  let counted = 0;
  for (const decision of decisions.values()) {
    const earlier = new Set((applications.get(decision.history.facts.istat) ?? []).filter((a) => a.day < decision.day).map((a) => a.key));
    const candidates = input.catalogue.filter((a) => openOn(a, decision.at) && !earlier.has(a.key));
    const relevant = candidates.filter((a) => decision.applied.has(a.key));
    if (relevant.length === 0) continue;
    counted++;
    relevantTotal += relevant.length;
    const facts = factsAsOf(decision.history, decision.day);
    const matcherScore = new Map(
      candidates.map((a) => {
        const verdict = evaluateEligibility(a.rules, facts, decision.at).verdict;
        const estimate = estimateAmount(a.amount, facts);
        const deadline = a.rules.windows.map((w) => (w.closesAt ? Date.parse(w.closesAt) : Infinity)).find((t) => t > decision.at.getTime());
        const daysLeft = deadline === undefined || deadline === Infinity ? null : Math.ceil((deadline - decision.at.getTime()) / DAY);
        const relevance = computeRelevance({ callThemes: a.themes, callLexemes: NO_TEXT, items: [], interests: [], estimate, daysLeft, sportelloOpen: false });
        return [a.key, [VERDICT_ORDER[verdict], -relevance.score, -(estimate?.max ?? 0)]];
      }),
    );
    const top3 = (order: (a: CatalogueAvviso, b: CatalogueAvviso) => number) =>
      [...candidates].sort((a, b) => order(a, b) || a.title.localeCompare(b.title)).slice(0, 3);
    const countHits = (top: CatalogueAvviso[]) => top.filter((a) => decision.applied.has(a.key)).length;
    hits.matcher += countHits(top3((a, b) => compareTuples(matcherScore.get(a.key)!, matcherScore.get(b.key)!)));
    hits.popularity += countHits(top3((a, b) => popular.overall(b) - popular.overall(a)));
    hits.sizeAware += countHits(top3((a, b) => popular.sizeAware(b, decision.history) - popular.sizeAware(a, decision.history)));
  }
  const recall = (n: number) => (relevantTotal === 0 ? 0 : Math.round((n / relevantTotal) * 10000) / 10000);
  return { decisions: counted, recallAt3: { matcher: recall(hits.matcher), popularity: recall(hits.popularity), sizeAware: recall(hits.sizeAware) } };
}

function compareTuples(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
