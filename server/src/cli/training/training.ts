import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { estimateAmount, evaluateEligibility, FEATURE_NAMES, outcomeFeatures, type RankerModel } from '../../modules/matching/index.ts';
import { factsAsOf, type CatalogueAvviso, type ComuneHistory } from '../evaluation/evaluation.data.ts';
import { decisionsOf, isHeldOut, type Decision } from '../evaluation/evaluation.decisions.ts';
import { HistoryKnowledge } from '../evaluation/evaluation.knowledge.ts';

/** One candidate avviso of one decision: its features as of the day, and whether the comune applied. */
interface Example {
  istat: string;
  decision: number;
  features: number[];
  applied: boolean;
}

export interface TrainingInput {
  catalogue: CatalogueAvviso[];
  histories: Map<string, ComuneHistory>;
  source: Record<string, unknown>;
}

const FOLDS = 5;
/** Newton steps: the log-likelihood is concave, a handful reach the optimum to the sixth decimal. */
const NEWTON_STEPS = 12;
/** A light ridge keeps weights finite when a feature separates the examples (e.g. a theme never applied to). */
const RIDGE = 1;
const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;
/** Folds group comuni, so that no comune is both in a training fold and in the fold it is tested on. */
const foldOf = (istat: string) => Number(istat) % FOLDS;

/** The candidates of every decision the comuni outside the held-out fifth made, eligible ones only. */
function examplesOf(decisions: Decision[], knowledge: HistoryKnowledge): Example[] {
  const examples: Example[] = [];
  decisions.forEach((d, index) => {
    const facts = factsAsOf(d.history, d.day);
    for (const a of d.candidates) {
      if (evaluateEligibility(a.rules, facts, d.at).verdict === 'not_eligible') continue;
      const amount = estimateAmount(a.amount, facts, a.rules.eligibility.populationBasis)?.likely ?? null;
      examples.push({
        istat: d.history.facts.istat,
        decision: index,
        features: outcomeFeatures(knowledge.signals(a, d.history, d.at, amount)),
        applied: d.applied.has(a.key),
      });
    }
  });
  return examples;
}

/**
 * Logistic regression by iteratively reweighted least squares (Newton's method): each step solves
 * (XᵀWX + λI) δ = Xᵀ(y − p) - λw with ml-matrix's Cholesky decomposition. The sums over examples are plain loops,
 * which on 130,000 examples are hundreds of times faster than matrix products of that height.
 */
function fit(examples: Example[]): Pick<RankerModel, 'means' | 'scales' | 'weights'> {
  const n = examples.length;
  const d = FEATURE_NAMES.length + 1;
  const means = FEATURE_NAMES.map((_, j) => examples.reduce((s, e) => s + e.features[j]!, 0) / n);
  const scales = FEATURE_NAMES.map((_, j) => Math.sqrt(examples.reduce((s, e) => s + (e.features[j]! - means[j]!) ** 2, 0) / n) || 1);
  const rows = examples.map((e) => [1, ...e.features.map((v, j) => (v - means[j]!) / scales[j]!)]);
  const weights = new Array<number>(d).fill(0);
  for (let step = 0; step < NEWTON_STEPS; step++) {
    const h = new Float64Array(d * d);
    const gradient = weights.map((w, j) => (j === 0 ? 0 : -RIDGE * w));
    for (let j = 1; j < d; j++) h[j * d + j] = RIDGE;
    for (let i = 0; i < n; i++) {
      const x = rows[i]!;
      let logit = 0;
      for (let j = 0; j < d; j++) logit += x[j]! * weights[j]!;
      const p = 1 / (1 + Math.exp(-logit));
      const residual = (examples[i]!.applied ? 1 : 0) - p;
      const curvature = p * (1 - p);
      for (let a = 0; a < d; a++) {
        gradient[a]! += residual * x[a]!;
        const ca = curvature * x[a]!;
        for (let b = 0; b <= a; b++) h[a * d + b]! += ca * x[b]!;
      }
    }
    const hessian = Matrix.from1DArray(d, d, h);
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) hessian.set(b, a, hessian.get(a, b));
    const delta = new CholeskyDecomposition(hessian).solve(Matrix.columnVector(gradient)).to1DArray();
    delta.forEach((v, j) => (weights[j]! += v));
    if (Math.max(...delta.map(Math.abs)) < 1e-7) break;
  }
  return { means: means.map((m) => round(m, 6)), scales: scales.map((s) => round(s, 6)), weights: weights.map((w) => round(w, 6)) };
}

/** Recall@3 and mean average precision of the model's order within each decision of a test fold. */
function score(model: Pick<RankerModel, 'means' | 'scales' | 'weights'>, examples: Example[]) {
  const byDecision = new Map<number, { p: number; applied: boolean }[]>();
  const logit = (x: number[]) => x.reduce((s, v, j) => s + model.weights[j + 1]! * ((v - model.means[j]!) / model.scales[j]!), model.weights[0]!);
  for (const e of examples) byDecision.set(e.decision, [...(byDecision.get(e.decision) ?? []), { p: logit(e.features), applied: e.applied }]);
  let [hits, relevant, ap, decisions] = [0, 0, 0, 0];
  for (const rows of byDecision.values()) {
    const order = rows.sort((a, b) => b.p - a.p);
    const total = order.filter((r) => r.applied).length;
    if (total === 0) continue;
    decisions++;
    relevant += total;
    hits += order.slice(0, 3).filter((r) => r.applied).length;
    let seen = 0;
    order.forEach((r, i) => {
      if (r.applied) ap += ++seen / (i + 1) / total;
    });
  }
  return { decisions, recallAt3: round(hits / relevant), meanAveragePrecision: round(ap / decisions) };
}

/**
 * `train matching`: a logistic regression of "the comune applied to this avviso on this day" on the
 * outcome features, cross-validated in folds grouped by comune, then fitted on every training comune.
 */
export function trainRanker(input: TrainingInput): RankerModel {
  const started = performance.now();
  const knowledge = new HistoryKnowledge(input.catalogue, input.histories);
  const applications = [...input.histories.values()]
    .filter((h) => !isHeldOut(h.facts.istat))
    .flatMap((history) => history.awards.map((award) => ({ award, history })));
  const examples = examplesOf(decisionsOf(applications, input.catalogue), knowledge);
  const folds = Array.from({ length: FOLDS }, (_, k) => {
    const model = fit(examples.filter((e) => foldOf(e.istat) !== k));
    return {
      fold: k,
      ...score(
        model,
        examples.filter((e) => foldOf(e.istat) === k),
      ),
    };
  });
  const mean = (pick: (f: (typeof folds)[number]) => number) => round(folds.reduce((s, f) => s + pick(f), 0) / FOLDS);
  const model = fit(examples);
  return {
    version: 1,
    model: 'logistic-regression',
    fittedBy: 'IRLS (Newton), ml-matrix Cholesky; L2 ridge 1 on standardised features',
    features: [...FEATURE_NAMES],
    ...model,
    trainedOn: {
      ...input.source,
      examples: examples.length,
      applied: examples.filter((e) => e.applied).length,
      comuni: new Set(examples.map((e) => e.istat)).size,
      heldOut: 'comuni whose ISTAT code hashes (FNV-1a) to 0 modulo 5 are never trained on: the evaluation judges the ranking on them',
    },
    crossValidation: {
      folds: FOLDS,
      groupedBy: 'comune (ISTAT code modulo 5)',
      recallAt3: mean((f) => f.recallAt3),
      meanAveragePrecision: mean((f) => f.meanAveragePrecision),
      perFold: folds,
      seconds: round((performance.now() - started) / 1000, 1),
    },
  };
}
