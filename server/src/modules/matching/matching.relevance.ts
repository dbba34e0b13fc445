import type { AmountEstimate } from './matching.amount.ts';

/**
 * The weights of the relevance score, in one place; they add up to 100. Each component is a share
 * between 0 and 1 of its weight, kept with the match so the UI can explain the score.
 */
export const WEIGHTS = {
  /** The call funds themes the comune has unfunded interventions on, by priority and unfunded cost. */
  programming: 30,
  /** The call's themes are among those the comune declared an interest in. */
  interests: 10,
  /** The words of an open intervention's title and description are found in the call's text. */
  text: 10,
  /** The estimated amount against the unfunded cost of the matching interventions. */
  need: 10,
  /** Fewer days to the deadline, or a sportello already open, make it more urgent. */
  urgency: 5,
  /** What the call is worth to the comune, on a log scale: 1,000 € counts nothing, a million the whole weight. */
  amount: 5,
  /**
   * Comuni like this one applied to this kind of call: the likelihood the model learned from the public
   * outcomes (`server/models/matching-ranker.json`, see `matching.outcomes.ts`) gives the share.
   */
  peers: 30,
} as const;

export type Component = keyof typeof WEIGHTS;

export interface PlannedItem {
  id: string;
  title: string;
  themes: string[];
  priority: 'high' | 'medium' | 'low';
  status: 'planned' | 'in_progress' | 'done' | 'dropped';
  fundingStatus: 'unfunded' | 'partly_funded' | 'funded';
  estimatedCost: number | null;
  /** Italian stems of the title and description, as PostgreSQL's `italian` text search makes them. */
  lexemes: string[];
}

export interface RelevanceInput {
  callThemes: string[];
  /** Italian stems of the call's title, summary and description. */
  callLexemes: ReadonlySet<string>;
  items: PlannedItem[];
  interests: string[];
  estimate: AmountEstimate | null;
  daysLeft: number | null;
  sportelloOpen: boolean;
  /** How likely comuni like this one are to apply, from the learned model; null when it cannot say. */
  likelihood: number | null;
}

export interface Relevance {
  score: number;
  components: Record<Component, number>;
  fundableItems: { id: string; title: string }[];
  /** Interventions the call's text speaks of although their themes differ. */
  similarItems: { id: string; title: string }[];
  matchedThemes: string[];
}

const PRIORITY = { high: 1, medium: 0.7, low: 0.4 } as const;
const UNFUNDED = { unfunded: 1, partly_funded: 0.5, funded: 0 } as const;
/** An intervention half of whose words the call uses is as close as text similarity gets. */
const FULL_TEXT_MATCH = 0.5;
const SIMILAR_ITEM = 0.3;
/** A call theme covers an item theme when equal or a parent of it (`piattaforme` covers `piattaforme.pagopa`). */
const covers = (callTheme: string, itemTheme: string) =>
  itemTheme === callTheme || itemTheme.startsWith(`${callTheme}.`) || callTheme.startsWith(`${itemTheme}.`);

/** Share of an intervention's words that the call's text contains. */
export function textSimilarity(item: PlannedItem, callLexemes: ReadonlySet<string>): number {
  if (item.lexemes.length === 0) return 0;
  return item.lexemes.filter((l) => callLexemes.has(l)).length / item.lexemes.length;
}

export function computeRelevance(input: RelevanceInput): Relevance {
  const open = input.items.filter((i) => i.status !== 'done' && i.status !== 'dropped' && i.fundingStatus !== 'funded');
  const fundable = open.filter((i) => i.themes.some((t) => input.callThemes.some((c) => covers(c, t))));
  const programming = fundable.length === 0 ? 0 : Math.min(1, fundable.reduce((sum, i) => sum + PRIORITY[i.priority] * UNFUNDED[i.fundingStatus], 0) / 1.5);
  const matchedInterests = input.interests.filter((t) => input.callThemes.some((c) => covers(c, t)));
  const similarity = new Map(open.map((i) => [i.id, textSimilarity(i, input.callLexemes)]));
  const bestSimilarity = Math.max(0, ...similarity.values());
  const need = fundable.reduce((sum, i) => sum + (i.estimatedCost ?? 0) * UNFUNDED[i.fundingStatus], 0);
  const urgency =
    input.daysLeft === null
      ? input.sportelloOpen
        ? 0.6
        : 0.2
      : input.daysLeft <= 0
        ? 0
        : Math.max(0.1, 1 - input.daysLeft / 90) * (input.sportelloOpen ? 1 : 0.8);
  const shares: Record<Component, number> = {
    programming,
    interests: matchedInterests.length > 0 ? 1 : 0,
    text: Math.min(1, bestSimilarity / FULL_TEXT_MATCH),
    need: need > 0 && input.estimate ? Math.min(1, input.estimate.max / need) : 0,
    urgency,
    amount: input.estimate ? Math.min(1, Math.max(0, (Math.log10(Math.max(1, input.estimate.max)) - 3) / 3)) : 0,
    peers: input.likelihood ?? 0,
  };
  const components = Object.fromEntries(Object.entries(shares).map(([name, share]) => [name, Math.round(share * WEIGHTS[name as Component])])) as Record<
    Component,
    number
  >;
  const matchedThemes = [...new Set([...fundable.flatMap((i) => i.themes), ...matchedInterests])]
    .filter((t) => input.callThemes.some((c) => covers(c, t)))
    .sort();
  const fundableIds = new Set(fundable.map((i) => i.id));
  return {
    score: Object.values(components).reduce((a, b) => a + b, 0),
    components,
    fundableItems: fundable.map((i) => ({ id: i.id, title: i.title })),
    similarItems: open.filter((i) => !fundableIds.has(i.id) && similarity.get(i.id)! >= SIMILAR_ITEM).map((i) => ({ id: i.id, title: i.title })),
    matchedThemes,
  };
}
