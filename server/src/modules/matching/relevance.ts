import type { AmountEstimate } from './amount.ts';

/** The weights of the relevance score, in one place; they add up to 100. */
export const WEIGHTS = {
  /** The call funds themes the comune has unfunded interventions on, by priority and unfunded cost. */
  programming: 45,
  /** The call's themes are among those the comune declared an interest in. */
  interests: 15,
  /** The estimated amount against the unfunded cost of the matching interventions. */
  need: 20,
  /** Fewer days to the deadline, or a sportello already open, make it more urgent. */
  urgency: 20,
} as const;

export interface PlannedItem {
  id: string;
  title: string;
  themes: string[];
  priority: 'high' | 'medium' | 'low';
  status: 'planned' | 'in_progress' | 'done' | 'dropped';
  fundingStatus: 'unfunded' | 'partly_funded' | 'funded';
  estimatedCost: number | null;
}

export interface Relevance {
  score: number;
  components: Record<keyof typeof WEIGHTS, number>;
  fundableItems: { id: string; title: string }[];
  matchedThemes: string[];
}

const PRIORITY = { high: 1, medium: 0.7, low: 0.4 } as const;
const UNFUNDED = { unfunded: 1, partly_funded: 0.5, funded: 0 } as const;
/** A call theme covers an item theme when equal or a parent of it (`piattaforme` covers `piattaforme.pagopa`). */
const covers = (callTheme: string, itemTheme: string) => itemTheme === callTheme || itemTheme.startsWith(`${callTheme}.`) || callTheme.startsWith(`${itemTheme}.`);

export function computeRelevance(input: { callThemes: string[]; items: PlannedItem[]; interests: string[]; estimate: AmountEstimate | null; daysLeft: number | null; sportelloOpen: boolean }): Relevance {
  const open = input.items.filter((i) => i.status !== 'done' && i.status !== 'dropped' && i.fundingStatus !== 'funded');
  const fundable = open.filter((i) => i.themes.some((t) => input.callThemes.some((c) => covers(c, t))));
  const programming = fundable.length === 0 ? 0 : Math.min(1, fundable.reduce((sum, i) => sum + PRIORITY[i.priority] * UNFUNDED[i.fundingStatus], 0) / 1.5);
  const matchedInterests = input.interests.filter((t) => input.callThemes.some((c) => covers(c, t)));
  const interests = matchedInterests.length > 0 ? 1 : 0;
  const need = fundable.reduce((sum, i) => sum + (i.estimatedCost ?? 0) * UNFUNDED[i.fundingStatus], 0);
  const needScore = need > 0 && input.estimate ? Math.min(1, input.estimate.max / need) : 0;
  const urgency = input.daysLeft === null ? (input.sportelloOpen ? 0.6 : 0.2) : input.daysLeft <= 0 ? 0 : Math.max(0.1, 1 - input.daysLeft / 90) * (input.sportelloOpen ? 1 : 0.8);
  const components = {
    programming: Math.round(programming * WEIGHTS.programming),
    interests: Math.round(interests * WEIGHTS.interests),
    need: Math.round(needScore * WEIGHTS.need),
    urgency: Math.round(urgency * WEIGHTS.urgency),
  };
  const matchedThemes = [...new Set([...fundable.flatMap((i) => i.themes), ...matchedInterests])].filter((t) => input.callThemes.some((c) => covers(c, t))).sort();
  return { score: Object.values(components).reduce((a, b) => a + b, 0), components, fundableItems: fundable.map((i) => ({ id: i.id, title: i.title })), matchedThemes };
}
