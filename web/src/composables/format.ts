import * as labels from '@labels';
import { italianNumber, MONTHS, romeTime, twoDigits, WEEKDAYS, type RomeTime } from './romeClock';

// Numbers are always grouped: CLDR leaves 4-digit Italian numbers ungrouped ("5038 €"), which reads as a code beside "15.000 €".
export const euros = (value: number) => `${italianNumber(value, 0)}\u00a0€`;
/** Names in Italian alphabetical order, with one collator (built at the first comparison): `localeCompare(b, 'it')` builds one per call, slow on 1,501 comuni. */
let names: Intl.Collator | undefined;
export const byItalianName = (a: string, b: string) => (names ??= new Intl.Collator('it')).compare(a, b);
/** "5.038": every count and population shown, as Italians write it. */
export const count = (value: number) => italianNumber(value, 2);
/** "12,5%": a share of a hundred, to one decimal. */
export const percent = (value: number) => `${italianNumber(value, 1)}%`;
/** "marzo 2026" for "2026-03". */
export function monthYear(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return `${MONTHS[number - 1]} ${year}`;
}

/** "2026-11-23", the day in Rome (calendar keys). */
export function romeDay(iso: string | Date): string {
  const t = romeTime(iso);
  return `${t.year}-${twoDigits(t.month)}-${twoDigits(t.day)}`;
}
const dateText = (t: RomeTime) => `${t.day} ${MONTHS[t.month - 1]} ${t.year}`;
// Every date people act on names its weekday ("venerdì 29 gennaio 2027"): a deadline on a Saturday or a Monday is read differently.
const dayText = (t: RomeTime) => `${WEEKDAYS[t.weekday]} ${dateText(t)}`;
const clockText = (t: RomeTime) => `${twoDigits(t.hour)}:${twoDigits(t.minute)}`;
export const longDate = (iso: string | Date) => dayText(romeTime(iso));
/** "31 dicembre 2021": a reference date (a census, the ends of a period, a status since), where the weekday is only noise. */
export const plainDate = (iso: string | Date) => dateText(romeTime(iso));
/** "venerdì 29 gennaio 2027 alle ore 12:00" (Rome time). */
export function longDateTime(iso: string | Date): string {
  const t = romeTime(iso);
  return `${dayText(t)} alle ore ${clockText(t)}`;
}
/** A closing instant as people read it in a call: "venerdì 29 gennaio 2027, ore 12:00" (Rome time). */
export function deadlineText(iso: string | Date): string {
  const t = romeTime(iso);
  return `${dayText(t)}, ore ${clockText(t)}`;
}

export function amountRange(amount: { min: number; max: number } | null | undefined): string | null {
  if (!amount) return null;
  return amount.min === amount.max ? euros(amount.max) : `da ${euros(amount.min)} a ${euros(amount.max)}`;
}

/** How an estimate was reached, when it says more than the figure ("fascia 5.001–20.000 abitanti…"); null for a fixed sum or a plain range. */
export function amountBasisNote(amount: { basis: string } | null | undefined): string | null {
  if (!amount?.basis || /^(importo fisso|da [\d.,]+ a [\d.,]+ € secondo il progetto)/.test(amount.basis)) return null;
  return amount.basis;
}

export interface PluralForms {
  one: string;
  other: string;
}
/** The form of a word for a count, by the Italian plural rules ("comune" for 1, "comuni" otherwise). */
export const pluralForm = (n: number, forms: PluralForms) => (n === 1 ? forms.one : forms.other);
/** A count with its word: "1 comune", "14 comuni", "5.038 bandi". */
export const plural = (n: number, forms: PluralForms) => `${count(n)} ${pluralForm(n, forms)}`;

export const DAYS: PluralForms = { one: 'giorno', other: 'giorni' };
export const CALLS: PluralForms = { one: 'bando', other: 'bandi' };
export const COMUNI: PluralForms = { one: 'comune', other: 'comuni' };

export function daysLeftText(days: number | null | undefined): string | null {
  if (days === null || days === undefined) return null;
  if (days <= 0) return 'scade oggi';
  return `${pluralForm(days, { one: 'manca', other: 'mancano' })} ${plural(days, DAYS)}`;
}

/** The parts of a call a change can touch, as history and revisions name them. */
export const CALL_FIELD_LABELS: Record<string, string> = { windows: 'finestre e scadenze', money: 'importi e risorse', eligibility: 'requisiti', title: 'titolo', summary: 'sintesi', description: 'descrizione', themes: 'temi', links: 'documenti', editorialStatus: 'stato', programme: 'programma', procedure: 'procedura', issuer: 'ente', publicationDate: 'data di pubblicazione', contact: 'contatti' };

// The words for statuses, programmes, size classes, verdicts and sources are the server's own
// (server/src/shared/labels.ts): the CSV files and e-mails say what the pages say. Typed as plain
// records so a code the SPA does not know yet reads as `undefined`, not as a type error.
export const STATUS_LABELS: Record<string, string> = labels.CALL_STATUS_LABELS;
export const PROGRAMME_LABELS: Record<string, string> = labels.PROGRAMME_LABELS;
export const SIZE_CLASS_LABELS: Record<string, string> = labels.SIZE_CLASS_LABELS;
export const VERDICT_LABELS: Record<string, string> = labels.VERDICT_LABELS;
export const SOURCE_KIND_LABELS: Record<string, string> = labels.SOURCE_KIND_LABELS;

export interface PeersFigures {
  province: string;
  provinceName: string;
  sizeClass: string | null;
  comuni: number;
  funded: number;
  share: number;
  medianAmount: number | null;
  editions: string[];
}

/** "Il 78 % dei comuni della provincia di Varese fino a 5.000 abitanti ha ottenuto l'edizione «…»; importo mediano 79.922 €". */
export function peersText(peers: PeersFigures | null | undefined): string | null {
  if (!peers || peers.comuni === 0) return null;
  const size = peers.sizeClass ? ` ${SIZE_CLASS_LABELS[peers.sizeClass] ?? ''}` : '';
  const edition = peers.editions.length === 1 ? `l’edizione «${peers.editions[0]}»` : `un’edizione precedente della misura (${count(peers.editions.length)} edizioni)`;
  const median = peers.funded > 0 && peers.medianAmount !== null ? `; importo mediano ${euros(peers.medianAmount)}` : '';
  return `Il ${count(Math.round(peers.share * 100))} % dei comuni della provincia di ${peers.provinceName}${size} ha ottenuto ${edition}${median}.`;
}
