import { formatNumber } from '../../shared/euros.ts';

/*
 * What a version of a call changed, in plain Italian: the alerts' "Bando modificato" messages and
 * the public history of a call say the same sentences.
 */

/** Who may apply, as the eligibility's body types are read out. */
export const BODY_LABELS: Record<string, string> = {
  comune: 'comuni',
  unione: 'unioni di comuni',
  comunita_montana: 'comunità montane',
  provincia: 'province',
  citta_metropolitana: 'città metropolitane',
  regione: 'regioni',
  scuola: 'scuole',
  asl: 'aziende sanitarie',
  universita: 'università',
  pa_centrale: 'amministrazioni centrali',
  altro: 'altri enti',
};

const LONG_DATE = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', dateStyle: 'long' });
const day = (at: Date | string) => LONG_DATE.format(new Date(at));
const euros = (value: unknown) => (typeof value === 'number' ? `${formatNumber(value)} €` : 'non indicato');

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
  for (const removed of before.slice(after.length))
    sentences.push(`La finestra dal ${day(removed.opensAt)} al ${closing(removed.closesAt)} è stata eliminata.`);
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
    else if (remaining[0] !== null && remaining[1] !== null && remaining[1] > remaining[0])
      sentences.push(`Risorse ricaricate: le risorse residue sono passate da ${euros(remaining[0])} a ${euros(remaining[1])}.`);
    else sentences.push(`Le risorse residue sono passate da ${euros(remaining[0])} a ${euros(remaining[1])}.`);
  }
  if (JSON.stringify(before.amount ?? null) !== JSON.stringify(after.amount ?? null))
    sentences.push('Sono cambiati gli importi concessi ai comuni: controlla il tuo importo stimato.');
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
  if (!same('aggregation'))
    sentences.push(
      `Partecipazione in forma associata: da ${AGGREGATION_TEXT[before.aggregation ?? 'allowed']} a ${AGGREGATION_TEXT[after.aggregation ?? 'allowed']}.`,
    );
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

/** Fields of a call that the public reads, in the words of its page. */
const FIELD_WORDS: Record<string, string> = {
  windows: 'finestre e scadenze',
  money: 'importi e risorse',
  eligibility: 'requisiti',
  summary: 'sintesi',
  description: 'descrizione',
  themes: 'temi',
  links: 'documenti',
  programme: 'programma',
  procedure: 'procedura',
  issuer: 'ente',
  publicationDate: 'data di pubblicazione',
  contact: 'contatti',
};
const SENTENCES: Record<string, (change: Change) => string[]> = { windows: windowSentences, money: moneySentences, eligibility: eligibilitySentences };

/** Every published change of a call in plain Italian: title and material changes in full, the rest named. */
export function publishedChangeSentences(changes: Record<string, Change>): string[] {
  const sentences: string[] = [];
  if (changes.title) sentences.push(`Il titolo è cambiato: da «${String(changes.title.from)}» a «${String(changes.title.to)}».`);
  const named: string[] = [];
  for (const [field, words] of Object.entries(FIELD_WORDS)) {
    const change = changes[field];
    if (!change) continue;
    const said = SENTENCES[field]?.(change) ?? [];
    if (said.length > 0) sentences.push(...said);
    else named.push(words);
  }
  if (named.length > 0) sentences.push(`${sentences.length > 0 ? 'Altre modifiche' : 'Modifiche'}: ${named.join(', ')}.`);
  return sentences;
}

/** The fields whose change the public may read; the rest (status, merges, sources) is editorial. */
export const PUBLIC_FIELDS = new Set(['title', ...Object.keys(FIELD_WORDS)]);
