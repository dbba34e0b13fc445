import { AGGREGATE_BODY_TYPES, ASSOCIATED_KINDS, type CallRules, type Check, type Eligibility } from './matching.eligibility.ts';
import { formatNumber, populationOf, type ComuneFacts } from './matching.profile-facts.ts';

/** A call the comune misses by one condition it could act on, and what would unblock it. */
export interface NearMiss {
  blocking: Check[];
  unblock: string;
}

/** How far over a population limit still reads as "a little": figures and counting dates differ by that much. */
const POPULATION_MARGIN = 0.1;

function populationUnblock(rules: CallRules, comune: ComuneFacts): string | null {
  const limits = rules.eligibility.population ?? {};
  const figure = populationOf(comune, rules.eligibility.populationBasis);
  if (!figure) return null;
  if (limits.max !== undefined && figure.value > limits.max) {
    if (figure.value - limits.max > limits.max * POPULATION_MARGIN) return null;
    const other = populationOf(comune, figure.basis === 'resident' ? 'legal' : 'resident');
    if (other && other.basis !== figure.basis && other.value <= limits.max) {
      return `Con la ${other.label} (${formatNumber(other.value)}) il comune rientrerebbe nel limite: verifica nell’avviso quale dato di popolazione conta e, se è quello, segnalalo alla redazione.`;
    }
    return `Supera il limite di ${formatNumber(figure.value - limits.max)} abitanti: verifica nell’avviso il dato di popolazione e la data a cui si riferisce, o la partecipazione come partner di un comune capofila.`;
  }
  if (limits.min !== undefined && figure.value < limits.min && rules.eligibility.aggregation !== 'not_allowed') {
    const member = comune.aggregations.find((a) => ASSOCIATED_KINDS.includes(a.kind));
    return member
      ? `In forma associata con «${member.name}» la popolazione minima può valere per l’insieme dei comuni: verifica nell’avviso.`
      : 'In forma associata con altri comuni la popolazione minima può valere per l’insieme: verifica nell’avviso.';
  }
  return null;
}

function unblockFor(check: Check, rules: CallRules, comune: ComuneFacts): string | null {
  if (check.rule === 'population') return populationUnblock(rules, comune);
  if (check.rule === 'body_type' && rules.eligibility.bodyTypes.some((t) => AGGREGATE_BODY_TYPES.includes(t))) {
    return 'Il bando è per unioni di comuni o comunità montane: il comune può partecipare aderendo a una di esse o costituendola con i comuni vicini.';
  }
  if (check.rule === 'exclusion') {
    return 'Se quel finanziamento è stato revocato o il comune vi ha rinunciato, l’esclusione non si applica: verifica con l’ente erogatore e aggiorna lo storico dei finanziamenti.';
  }
  // Territory, altitude and dates are not the comune's to change.
  return null;
}

/** The near miss in an evaluation: not eligible by exactly one condition the comune could act on. */
export function nearMissOf(eligibility: Eligibility, rules: CallRules, comune: ComuneFacts): NearMiss | null {
  if (eligibility.verdict !== 'not_eligible') return null;
  const failing = eligibility.checks.filter((c) => c.outcome === 'fail');
  if (failing.length !== 1) return null;
  const unblock = unblockFor(failing[0]!, rules, comune);
  return unblock ? { blocking: failing, unblock } : null;
}
