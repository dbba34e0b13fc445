import type { CallInput } from '../calls/index.ts';
import { parseEuros } from '../../shared/euros.ts';

/** One item of a source, as it came: kept verbatim so a fixed parser can read it again. */
export interface RawItem {
  externalId: string;
  raw: Record<string, unknown>;
}

export interface MappedCall {
  input: CallInput;
  url: string | null;
}

/** A source format: how to split a payload into items, and how to read one item as a call. */
export interface Connector {
  kind: string;
  split(payload: Uint8Array, location: string): RawItem[];
  /** For paged HTTP sources: the URL of the page after this one, if any. */
  nextPage?(payload: Uint8Array): string | null;
  /** Throws ItemError with an Italian reason when the item cannot become a call. */
  map(raw: Record<string, unknown>): MappedCall;
}

export class ItemError extends Error {}

export const text = (value: unknown) => (value === null || value === undefined ? '' : String(value).trim());

/** Euros as sources write them: 1000000.0, "1.000.000,00", "N/A". */
export function euros(value: unknown): number | null {
  const raw = text(value);
  if (/^n\/?a$/i.test(raw)) return null;
  const amount = parseEuros(raw);
  return amount === null || Number.isNaN(amount) ? null : amount;
}

/** Recipient labels used by Italian sources, to the body types calls are matched on. */
const BODY_TYPE_WORDS: [RegExp, string][] = [
  [/comun[ei]/i, 'comune'],
  [/union/i, 'unione'],
  [/comunit[àa] montan/i, 'comunita_montana'],
  [/provinc/i, 'provincia'],
  [/citt[àa] metropolitan/i, 'citta_metropolitana'],
  [/regioni|enti regionali|regione/i, 'regione'],
  [/scuol|istituzioni scolastiche/i, 'scuola'],
  [/asl|aziende ospedaliere|sanitari/i, 'asl'],
  [/universit|afam|ricerca/i, 'universita'],
  [/pa centrali|amministrazioni centrali|ministe/i, 'pa_centrale'],
];

export function bodyTypesIn(label: string): string[] {
  const found = BODY_TYPE_WORDS.filter(([pattern]) => pattern.test(label)).map(([, type]) => type);
  return found.length > 0 ? [...new Set(found)] : ['altro'];
}

const LINK_IN_TEXT = /https?:\/\/[^\s;<>"]+/gi;
const MAX_LINKS = 10;

/**
 * The web addresses in a source's link field, as valid absolute http(s) URLs: open data often puts
 * several in one cell, separated by line breaks or `;`, or trailing punctuation after one.
 */
export function webLinks(value: unknown): string[] {
  const found = new Set<string>();
  for (const [candidate] of text(value).matchAll(LINK_IN_TEXT)) {
    try {
      const url = new URL(candidate.replace(/[.,;:)\]]+$/, ''));
      if (url.protocol === 'http:' || url.protocol === 'https:') found.add(url.href);
    } catch {
      // Not an address after all: the cell keeps its other links.
    }
  }
  return [...found].slice(0, MAX_LINKS);
}

/** The links of a call from its source's link field: the first one labelled, the others numbered. */
export const labelledLinks = (urls: string[], label: string) => urls.map((url, i) => ({ label: i === 0 ? label : `${label} (${i + 1})`, url }));
