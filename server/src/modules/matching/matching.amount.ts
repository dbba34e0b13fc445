import type { CallInput } from '../calls/index.ts';
import { formatNumber, populationOf, type ComuneFacts, type PopulationBasis } from './matching.profile-facts.ts';

export interface AmountEstimate {
  min: number;
  max: number;
  /** The amount most comuni like this one obtained: the figure to plan on. */
  likely: number;
  /** How the figure was reached, in Italian, for the reasons shown to users. */
  basis: string;
}

type Rule = NonNullable<CallInput['money']['amount']>;
type Bracket = { populationMin: number; populationMax: number | null; amount: number; range?: { min: number; max: number } | undefined };

const bracketFor = (brackets: Bracket[], population: number) =>
  brackets.find((b) => population >= b.populationMin && (b.populationMax === null || population <= b.populationMax));
const range = (b: Bracket) =>
  b.populationMax === null
    ? `oltre ${formatNumber(b.populationMin - 1)} abitanti`
    : `${formatNumber(b.populationMin)}–${formatNumber(b.populationMax)} abitanti`;

/** What this comune could get from a call's money rule; null when the rule cannot say. */
/** `basis` is the call's own (`eligibility.populationBasis`), required so that no caller judges on another figure. */
export function estimateAmount(rule: Rule | null | undefined, comune: ComuneFacts, basis: PopulationBasis | string | undefined): AmountEstimate | null {
  if (!rule) return null;
  if (rule.kind === 'fixed') return { min: rule.amount, max: rule.amount, likely: rule.amount, basis: `importo fisso di ${formatNumber(rule.amount)} €` };
  if (rule.kind === 'range')
    return { min: rule.min, max: rule.max, likely: rule.max, basis: `da ${formatNumber(rule.min)} a ${formatNumber(rule.max)} € secondo il progetto` };
  const population = populationOf(comune, basis);
  if (!population) return null;
  const bracket = bracketFor(rule.brackets, population.value);
  if (!bracket) return null;
  const where = `fascia ${range(bracket)} (${population.label}: ${formatNumber(population.value)})`;
  if (rule.kind === 'brackets' && bracket.range)
    return {
      min: Math.min(bracket.range.min, bracket.amount),
      max: Math.max(bracket.range.max, bracket.amount),
      likely: bracket.amount,
      basis: `${where}: da ${formatNumber(bracket.range.min)} a ${formatNumber(bracket.range.max)} € secondo le scelte del comune, più spesso ${formatNumber(bracket.amount)} €`,
    };
  if (rule.kind === 'brackets') return { min: bracket.amount, max: bracket.amount, likely: bracket.amount, basis: where };
  const min = Math.round(bracket.amount * rule.minUnits * 100) / 100;
  const max = Math.round(bracket.amount * rule.maxUnits * 100) / 100;
  return {
    min,
    max,
    likely: min,
    basis: `${formatNumber(bracket.amount)} € per ${rule.unitLabel}, da ${rule.minUnits} a ${rule.maxUnits} (fascia ${range(bracket)})`,
  };
}
