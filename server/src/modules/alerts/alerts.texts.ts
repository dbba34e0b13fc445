import { labelOf, VERDICT_LABELS } from '../../shared/labels.ts';
import { formatLongDate as day, formatNumber } from '../matching/index.ts';
export { changeSentences } from '../calls/index.ts';
import type { CallFacts } from './alerts.audience.ts';

const verdictText = (verdict: string) => labelOf(VERDICT_LABELS, verdict);
const amountText = (min: number | null, max: number) =>
  min === max ? `importo stimato ${formatNumber(max)} €` : `importo stimato da ${formatNumber(min ?? 0)} a ${formatNumber(max)} €`;
const sentenceOf = (parts: string[]) => {
  const sentence = parts.join(', ');
  return `${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`;
};

/** The names of the recipient's comuni the call matches: "Bagnolo Cremasco e Ricengo", or the best one. */
export function comuniLabel(facts: CallFacts): string | null {
  const names = (facts.matches ?? []).map((m) => m.name).sort((a, b) => a.localeCompare(b, 'it'));
  if (names.length < 2) return facts.comune;
  if (names.length > 3) return `${names.length} dei tuoi comuni`;
  return `${names.slice(0, -1).join(', ')} e ${names.at(-1)}`;
}

/**
 * "Il comune può partecipare, pertinenza 72/100, importo stimato 10.000 €, scadenza 5 dicembre 2026."
 * When the call matches several of the recipient's comuni, one sentence each, then the deadline.
 */
export function factsSentence(facts: CallFacts): string {
  if (facts.matches && facts.matches.length > 1) {
    const each = facts.matches.map(
      (m) =>
        `${m.name}: ${[verdictText(m.verdict).toLowerCase(), `pertinenza ${m.score}/100`, ...(m.amountMax !== null ? [amountText(m.amountMin, m.amountMax)] : [])].join(', ')}.`,
    );
    return [`Riguarda ${facts.matches.length} dei tuoi comuni.`, ...each, ...(facts.next_deadline ? [`Scadenza ${day(facts.next_deadline)}.`] : [])].join(' ');
  }
  const parts: string[] = [];
  if (facts.verdict) parts.push(verdictText(facts.verdict));
  if (facts.score !== null) parts.push(`pertinenza ${facts.score}/100`);
  if (facts.amount_max !== null) parts.push(amountText(facts.amount_min, facts.amount_max));
  if (facts.next_deadline) parts.push(`scadenza ${day(facts.next_deadline)}`);
  return parts.length === 0 ? '' : sentenceOf(parts);
}
