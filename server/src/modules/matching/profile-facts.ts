/** What the matcher knows of a comune on a given date. */
export interface ComuneFacts {
  istat: string;
  name: string;
  legalPopulation: number | null;
  residentPopulation: number | null;
  regionCode: string;
  provinceSigla: string;
  altitudeZone: number | null;
  aggregations: { id: string; name: string; kind: string }[];
  /** Funding obtained before the date the match is computed for. */
  awards: { measureCode: string; avviso: string; status: 'assegnato' | 'erogato' | 'rinuncia'; fundedOn: string | null }[];
}

/** The population calls are judged on: resident where known (as PNRR brackets use), else legal. */
export function populationOf(comune: ComuneFacts): { value: number; label: string } | null {
  if (comune.residentPopulation !== null) return { value: comune.residentPopulation, label: 'popolazione residente ISTAT' };
  if (comune.legalPopulation !== null) return { value: comune.legalPopulation, label: 'popolazione legale ISTAT' };
  return null;
}

const NUMBER = new Intl.NumberFormat('it-IT', { maximumFractionDigits: 2 });
export const formatNumber = (n: number) => NUMBER.format(n);
const LONG_DATE = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', dateStyle: 'long' });
/** "5 dicembre 2026", the day in Rome. */
export const formatLongDate = (at: Date | string) => LONG_DATE.format(new Date(at));
const ROME_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' });
/** "2026-11-23", the day in Rome. */
export const romeDay = (at: Date) => ROME_DAY.format(at);

/** The Region's size classes, on the legal population as `sizeClassSql` derives them for the registry. */
export const sizeClassOf = (legalPopulation: number | null) => (legalPopulation === null ? null : legalPopulation < 5000 ? 'fino-5000' : legalPopulation <= 15000 ? '5000-15000' : 'oltre-15000');
