import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from '../../paths.ts';

/** How many comuni of a group there are, and how many of them had applied before the day. */
export interface PeerShare {
  applied: number;
  total: number;
}

/**
 * What the public funding outcomes tell about one comune and one call on one day. Everything here was
 * known that day: applications sent before it, the comune's funding obtained before it, the calendar.
 */
export interface OutcomeSignals {
  /** Earlier windows of this very call: every comune, the same size class, the same province and size class. */
  call: { all: PeerShare; size: PeerShare; provinceSize: PeerShare };
  /** Earlier editions of the same measure (other calls), same size class and same province and size class. */
  edition: { size: PeerShare; provinceSize: PeerShare };
  /** The comune obtained an earlier edition of the measure: the platform is adopted, a new edition is a follow-up. */
  ownEdition: boolean;
  /** Measures the comune obtained funding from before the day. */
  fundedMeasures: number;
  legalPopulation: number | null;
  altitudeZone: number | null;
  /** Days since the call's first window opened and to the current window's end. */
  daysOpen: number | null;
  daysLeft: number | null;
  /** The most likely amount for this comune. */
  amount: number | null;
  themes: string[];
}

const rate = (s: PeerShare) => (s.total === 0 ? 0 : s.applied / s.total);
const log1p = (n: number | null, fallback: number) => Math.log1p(Math.max(0, n ?? fallback));
const MOUNTAIN_ZONES = new Set([1, 2]);
const THEME_FAMILIES = ['infrastrutture', 'servizi', 'piattaforme', 'dati'] as const;

/** The model's inputs, named; `outcomeFeatures` gives them in this order. */
export const FEATURE_NAMES = [
  'call_share_all',
  'call_share_size',
  'call_share_province_size',
  'edition_share_size',
  'edition_share_province_size',
  'own_edition',
  'funded_measures',
  'log_population',
  'mountain',
  'log_days_open',
  'log_days_left',
  'log_amount',
  'log_amount_per_inhabitant',
  ...THEME_FAMILIES.map((f) => `theme_${f}`),
] as const;

export function outcomeFeatures(s: OutcomeSignals): number[] {
  const population = Math.max(1, s.legalPopulation ?? 1);
  return [
    rate(s.call.all),
    rate(s.call.size),
    rate(s.call.provinceSize),
    rate(s.edition.size),
    rate(s.edition.provinceSize),
    s.ownEdition ? 1 : 0,
    Math.log1p(s.fundedMeasures),
    Math.log10(population),
    s.altitudeZone !== null && MOUNTAIN_ZONES.has(s.altitudeZone) ? 1 : 0,
    log1p(s.daysOpen, 0),
    log1p(s.daysLeft, 365),
    Math.log10(Math.max(1, s.amount ?? 1)),
    Math.log10(Math.max(0.01, (s.amount ?? 0) / population) + 1),
    ...THEME_FAMILIES.map((f) => (s.themes.some((t) => t === f || t.startsWith(`${f}.`)) ? 1 : 0)),
  ];
}

/** A logistic regression on standardised features, as `train matching` writes it. */
export interface RankerModel {
  version: number;
  model: 'logistic-regression';
  fittedBy: string;
  features: string[];
  means: number[];
  scales: number[];
  /** The intercept, then one weight per feature. */
  weights: number[];
  trainedOn: Record<string, unknown>;
  crossValidation: Record<string, unknown>;
}

/** How likely a comune is to apply to the call, between 0 and 1, from the outcomes of comuni like it. */
export function likelihood(model: RankerModel, signals: OutcomeSignals): number {
  const x = outcomeFeatures(signals);
  let logit = model.weights[0]!;
  for (let i = 0; i < x.length; i++) logit += model.weights[i + 1]! * ((x[i]! - model.means[i]!) / model.scales[i]!);
  return 1 / (1 + Math.exp(-logit));
}

export const RANKER_FILE = resolve(repoRoot, 'server/models/matching-ranker.json');

/** The committed model, read once when the matcher starts; a model for other features is refused. */
export function loadRanker(file = RANKER_FILE): RankerModel {
  const model = JSON.parse(readFileSync(file, 'utf8')) as RankerModel;
  if (model.features.join() !== FEATURE_NAMES.join()) throw new Error(`${file}: trained on other features; run train matching again`);
  return model;
}

let loaded: RankerModel | null = null;
/** The committed ranker, read on first use (the matching feature asks for it when the app starts). */
export function ranker(): RankerModel {
  loaded ??= loadRanker();
  return loaded;
}
