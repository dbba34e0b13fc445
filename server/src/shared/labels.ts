import type { CallStatus } from './call-status.ts';

/**
 * The Italian words for the product's codes, in one place: the server writes them in e-mails and CSV
 * files, the SPA shows them (it imports this file through its `@labels` alias). Each record also
 * fixes the list of codes and their order: the schemas take their enums from these keys.
 */

export const CALL_STATUS_LABELS = {
  in_arrivo: 'In arrivo',
  aperto: 'Aperto',
  in_scadenza: 'In scadenza',
  chiuso: 'Chiuso',
  esaurito: 'Fondi esauriti',
} as const satisfies Record<CallStatus, string>;

export const PROGRAMME_LABELS = {
  pnrr: 'PNRR',
  fesr: 'FESR',
  fse_plus: 'FSE+',
  regionale: 'Regione Lombardia',
  nazionale: 'Nazionale',
  ue: 'Unione europea',
  fondazione: 'Fondazioni',
  altro: 'Altro',
} as const;

export const SIZE_CLASS_LABELS = {
  'fino-5000': 'meno di 5.000 abitanti',
  '5000-15000': 'da 5.000 a 15.000 abitanti',
  'oltre-15000': 'oltre 15.000 abitanti',
} as const;

/** What the matcher concludes for a comune and a call, as a sentence about the comune. */
export const VERDICT_LABELS = {
  eligible: 'Il comune può partecipare',
  eligible_via_aggregation: 'Solo in forma associata',
  near_miss: 'Quasi ammissibile',
  not_eligible: 'Non ammissibile',
} as const;

/** The same verdicts as a CSV column answers "how can the comune take part?". */
export const VERDICT_SHORT_LABELS = {
  eligible: 'da solo',
  eligible_via_aggregation: 'in forma associata',
  near_miss: 'quasi ammissibile',
  not_eligible: 'non ammissibile',
} as const;

/** Where calls come from, as the editors' Fonti page names them (an unknown kind shows as it is). */
export const SOURCE_KIND_LABELS: Record<string, string> = {
  padigitale2026: 'PA digitale 2026: avvisi',
  lombardia: 'Regione Lombardia: anagrafica dei bandi',
  italiadomani: 'Italia Domani: catalogo PNRR',
  plone: 'Sito Plone',
  rss: 'Feed RSS',
  csv: 'File CSV',
  demo: 'Catalogo dimostrativo',
  'curated:avvisi-pnrr': 'Avvisi PNRR curati dalla redazione',
};

/** Where a comune's application to a call stands, in the order of the path from interest to outcome. */
export const APPLICATION_STATUS_LABELS = {
  interessato: 'Interessato',
  in_preparazione: 'In preparazione',
  presentata: 'Presentata',
  finanziata: 'Finanziata',
  non_finanziata: 'Non finanziata',
  rinunciata: 'Rinunciata',
  non_pertinente: 'Non pertinente',
} as const;

/** Why a comune does not apply (status `non_pertinente`): what ANCI and the Regione learn, in aggregate. */
export const NOT_APPLYING_REASON_LABELS = {
  no_cofinanziamento: 'Manca il cofinanziamento',
  scadenza_vicina: 'Scadenza troppo vicina',
  gia_coperto: 'Esigenza già coperta',
  mancanza_personale: 'Manca il personale',
  non_prioritario: 'Non è una priorità',
  altro: 'Altro',
} as const;

/** The codes of a label record, in its order, typed as the record's keys (for schema enums). */
export const codesOf = <T extends Record<string, string>>(labels: T) => Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]];

/** The label of a code, or the code itself when it has none (a value from an older or newer server). */
export const labelOf = (labels: Record<string, string>, code: string) => labels[code] ?? code;
