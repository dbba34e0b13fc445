import { BODY_LABELS } from '../matching/eligibility.ts';
import { formatLongDate as day, formatNumber } from '../matching/profile-facts.ts';
import type { CallFacts } from './alerts.audience.ts';

const euros = (value: unknown) => (typeof value === 'number' ? `${formatNumber(value)} €` : 'non indicato');

const verdictText = (verdict: string) => (verdict === 'eligible_via_aggregation' ? 'Solo in forma associata' : 'Il comune può partecipare');
const amountText = (min: number | null, max: number) => (min === max ? `importo stimato ${formatNumber(max)} €` : `importo stimato da ${formatNumber(min ?? 0)} a ${formatNumber(max)} €`);
const sentenceOf = (parts: string[]) => {
  const sentence = parts.join(', ');
  return `${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`;
};

/** The names of the recipient's comuni the call matches: "Bagnolo Cremasco e Ricengo", or the best one. */
export function comuniLabel(facts: CallFacts): string | null {
  const names = (facts.matches ?? []).map((m) => m.name);
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
    const each = facts.matches.map((m) => `${m.name}: ${[verdictText(m.verdict).toLowerCase(), `pertinenza ${m.score}/100`, ...(m.amountMax !== null ? [amountText(m.amountMin, m.amountMax)] : [])].join(', ')}.`);
    return [`Riguarda ${facts.matches.length} dei tuoi comuni.`, ...each, ...(facts.next_deadline ? [`Scadenza ${day(facts.next_deadline)}.`] : [])].join(' ');
  }
  const parts: string[] = [];
  if (facts.verdict) parts.push(verdictText(facts.verdict));
  if (facts.score !== null) parts.push(`pertinenza ${facts.score}/100`);
  if (facts.amount_max !== null) parts.push(amountText(facts.amount_min, facts.amount_max));
  if (facts.next_deadline) parts.push(`scadenza ${day(facts.next_deadline)}`);
  return parts.length === 0 ? '' : sentenceOf(parts);
}

interface WindowValue {
  label?: string | null;
  opensAt: string;
  closesAt: string | null;
}
type Change = { from: unknown; to: unknown };

const TIME = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' });
const closing = (closesAt: string | null) => (closesAt ? day(closesAt) : 'esaurimento delle risorse');
/** Two moments as users read them: the days, or the days and hours when only the hour moved. */
function fromTo(before: string | null, after: string | null): string {
  const sameDay = before !== null && after !== null && day(before) === day(after);
  const show = (at: string | null) => (sameDay ? `${closing(at)} ore ${TIME.format(new Date(at!))}` : closing(at));
  return `dal ${show(before)} al ${show(after)}`;
}

function windowSentences(change: Change): string[] {
  const before = (change.from ?? []) as WindowValue[];
  const after = (change.to ?? []) as WindowValue[];
  const sentences: string[] = [];
  after.forEach((window, i) => {
    const old = before[i];
    const of = after.length > 1 ? ` della finestra ${window.label ?? i + 1}` : '';
    if (!old) {
      sentences.push(`Nuova finestra${window.label ? ` «${window.label}»` : ''}: dal ${day(window.opensAt)} al ${closing(window.closesAt)}.`);
      return;
    }
    const instant = (at: string | null) => (at === null ? null : Date.parse(at));
    if (instant(old.closesAt) !== instant(window.closesAt)) {
      const verb = old.closesAt && window.closesAt ? (Date.parse(window.closesAt) > Date.parse(old.closesAt) ? 'prorogata' : 'anticipata') : 'cambiata';
      sentences.push(`La scadenza${of} è stata ${verb}: ${fromTo(old.closesAt, window.closesAt)}.`);
    }
    if (instant(old.opensAt) !== instant(window.opensAt)) sentences.push(`L’apertura${of} è cambiata: ${fromTo(old.opensAt, window.opensAt)}.`);
  });
  for (const removed of before.slice(after.length)) sentences.push(`La finestra dal ${day(removed.opensAt)} al ${closing(removed.closesAt)} è stata eliminata.`);
  return sentences;
}

interface MoneyValue {
  totalBudget?: number | null;
  remainingBudget?: number | null;
  amount?: unknown;
  cofinancingShare?: number | null;
}

function moneySentences(change: Change): string[] {
  const before = (change.from ?? {}) as MoneyValue;
  const after = (change.to ?? {}) as MoneyValue;
  const sentences: string[] = [];
  const total = [before.totalBudget ?? null, after.totalBudget ?? null] as const;
  if (total[0] !== total[1]) {
    const topUp = total[0] !== null && total[1] !== null && total[1] > total[0];
    sentences.push(`${topUp ? 'Dotazione aumentata' : 'Dotazione cambiata'}: da ${euros(total[0])} a ${euros(total[1])}.`);
  }
  const remaining = [before.remainingBudget ?? null, after.remainingBudget ?? null] as const;
  if (remaining[0] !== remaining[1]) {
    if (remaining[1] === 0) sentences.push(`Fondi esauriti: le risorse residue sono passate da ${euros(remaining[0])} a 0 €.`);
    else if (remaining[0] !== null && remaining[1] !== null && remaining[1] > remaining[0]) sentences.push(`Risorse ricaricate: le risorse residue sono passate da ${euros(remaining[0])} a ${euros(remaining[1])}.`);
    else sentences.push(`Le risorse residue sono passate da ${euros(remaining[0])} a ${euros(remaining[1])}.`);
  }
  if (JSON.stringify(before.amount ?? null) !== JSON.stringify(after.amount ?? null)) sentences.push('Sono cambiati gli importi concessi ai comuni: controlla il tuo importo stimato.');
  if ((before.cofinancingShare ?? null) !== (after.cofinancingShare ?? null)) {
    const share = (value: number | null | undefined) => (value ? `${formatNumber(Math.round(value * 100))} %` : 'nessuno');
    sentences.push(`Cofinanziamento richiesto: da ${share(before.cofinancingShare)} a ${share(after.cofinancingShare)}.`);
  }
  return sentences;
}

interface EligibilityValue {
  bodyTypes?: string[];
  population?: { min?: number; max?: number };
  territory?: unknown;
  altitudeZones?: number[];
  aggregation?: string;
  exclusions?: unknown[];
  conditions?: string[];
}

function populationText(limits: EligibilityValue['population']): string {
  if (!limits || (limits.min === undefined && limits.max === undefined)) return 'nessun limite';
  if (limits.min !== undefined && limits.max !== undefined) return `da ${formatNumber(limits.min)} a ${formatNumber(limits.max)} abitanti`;
  return limits.max !== undefined ? `fino a ${formatNumber(limits.max)} abitanti` : `almeno ${formatNumber(limits.min!)} abitanti`;
}

const AGGREGATION_TEXT: Record<string, string> = { not_allowed: 'non ammessa', allowed: 'ammessa', required: 'obbligatoria' };

function eligibilitySentences(change: Change): string[] {
  const before = (change.from ?? {}) as EligibilityValue;
  const after = (change.to ?? {}) as EligibilityValue;
  const same = (key: keyof EligibilityValue) => JSON.stringify(before[key] ?? null) === JSON.stringify(after[key] ?? null);
  const sentences: string[] = [];
  if (!same('population')) sentences.push(`Popolazione ammessa: prima ${populationText(before.population)}, ora ${populationText(after.population)}.`);
  if (!same('bodyTypes')) {
    const list = (types: string[] | undefined) => (types ?? []).map((t) => BODY_LABELS[t] ?? t).join(', ') || 'nessuno';
    sentences.push(`Enti ammessi: da «${list(before.bodyTypes)}» a «${list(after.bodyTypes)}».`);
  }
  if (!same('aggregation')) sentences.push(`Partecipazione in forma associata: da ${AGGREGATION_TEXT[before.aggregation ?? 'allowed']} a ${AGGREGATION_TEXT[after.aggregation ?? 'allowed']}.`);
  if (!same('territory') || !same('altitudeZones')) sentences.push('È cambiato il territorio ammesso.');
  if (!same('exclusions')) sentences.push('Sono cambiate le esclusioni per chi ha già ricevuto fondi.');
  if (!same('conditions')) sentences.push('Sono cambiate le condizioni di partecipazione.');
  return sentences;
}

/** Plain Italian "changed from X to Y" sentences for the material changes of one version of a call. */
export function changeSentences(changes: Record<string, Change>): string[] {
  return [
    ...(changes.windows ? windowSentences(changes.windows) : []),
    ...(changes.money ? moneySentences(changes.money) : []),
    ...(changes.eligibility ? eligibilitySentences(changes.eligibility) : []),
  ];
}
