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

export const formatNumber = (n: number) => new Intl.NumberFormat('it-IT', { maximumFractionDigits: 2 }).format(n);
