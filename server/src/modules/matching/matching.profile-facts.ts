import { remembered } from '../../shared/remembered.ts';

/** What the matcher knows of a comune on a given date. */
export interface ComuneFacts {
  istat: string;
  name: string;
  legalPopulation: number | null;
  legalPopulationDate: string | null;
  residentPopulation: number | null;
  residentPopulationDate: string | null;
  regionCode: string;
  provinceSigla: string;
  altitudeZone: number | null;
  aggregations: { id: string; name: string; kind: string }[];
  /** Funding obtained before the date the match is computed for. */
  awards: { measureCode: string; avviso: string; status: 'assegnato' | 'erogato' | 'rinuncia'; fundedOn: string | null }[];
}

export type PopulationBasis = 'resident' | 'legal';
/** What a call that does not name its population basis is judged on: resident, as the PNRR avvisi for comuni use. */
export const DEFAULT_POPULATION_BASIS: PopulationBasis = 'resident';

export interface PopulationFigure {
  value: number;
  basis: PopulationBasis;
  /** The day the figure refers to (ISTAT), when known. */
  asOf: string | null;
  /** "popolazione residente ISTAT al 31 dicembre 2021": the words every place that shows it uses. */
  label: string;
}

/**
 * The one population figure a call is judged on, for its limits, its brackets and wherever it is shown:
 * the basis the call names, else the default; when that figure is unknown, the other one, said so.
 */
export function populationOf(comune: ComuneFacts, basis: PopulationBasis | string = DEFAULT_POPULATION_BASIS): PopulationFigure | null {
  const figures = {
    resident: { value: comune.residentPopulation, asOf: comune.residentPopulationDate, words: 'popolazione residente ISTAT' },
    legal: { value: comune.legalPopulation, asOf: comune.legalPopulationDate, words: 'popolazione legale ISTAT' },
  };
  const order: PopulationBasis[] = basis === 'legal' ? ['legal', 'resident'] : ['resident', 'legal'];
  for (const kind of order) {
    const figure = figures[kind];
    if (figure.value === null) continue;
    return { value: figure.value, basis: kind, asOf: figure.asOf, label: figure.asOf ? `${figure.words} al ${formatLongDate(figure.asOf)}` : figure.words };
  }
  return null;
}

export { formatNumber } from '../../shared/euros.ts';
const LONG_DATE = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', dateStyle: 'long' });
const longDateOf = remembered((at: number | string) => LONG_DATE.format(new Date(at)));
/** "5 dicembre 2026", the day in Rome. */
export const formatLongDate = (at: Date | string) => longDateOf(typeof at === 'string' ? at : at.getTime());
const ROME_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' });
const romeDayOf = remembered((ms: number) => ROME_DAY.format(ms));
/** "2026-11-23", the day in Rome. */
export const romeDay = (at: Date) => romeDayOf(at.getTime());

/** The Region's size classes, on the legal population as `sizeClassSql` derives them for the registry. */
export const sizeClassOf = (legalPopulation: number | null) =>
  legalPopulation === null ? null : legalPopulation < 5000 ? 'fino-5000' : legalPopulation <= 15000 ? '5000-15000' : 'oltre-15000';
