import { formatLongDate as day, formatNumber } from '../matching/profile-facts.ts';
export { changeSentences } from '../calls/change-sentences.ts';
import type { CallFacts } from './alerts.audience.ts';

/** "Il comune può partecipare, punteggio 72/100, importo stimato 10.000 €, scadenza 5 dicembre 2026." */
export function factsSentence(facts: CallFacts): string {
  const parts: string[] = [];
  if (facts.verdict) parts.push(facts.verdict === 'eligible_via_aggregation' ? 'Solo in forma associata' : 'Il comune può partecipare');
  if (facts.score !== null) parts.push(`punteggio ${facts.score}/100`);
  if (facts.amount_max !== null) parts.push(facts.amount_min === facts.amount_max ? `importo stimato ${formatNumber(facts.amount_max)} €` : `importo stimato da ${formatNumber(facts.amount_min ?? 0)} a ${formatNumber(facts.amount_max)} €`);
  if (facts.next_deadline) parts.push(`scadenza ${day(facts.next_deadline)}`);
  if (parts.length === 0) return '';
  const sentence = parts.join(', ');
  return `${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`;
}
