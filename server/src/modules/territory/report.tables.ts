import type { CsvCell } from '../../shared/csv-write.ts';
import type { NeedsCell } from './needs.privacy.ts';
import type { AreaSummary } from './territory.summary.ts';

/** One table of the progress report: the same rows feed the printable page and the CSV. */
export interface ReportTable {
  title: string;
  headers: string[];
  rows: CsvCell[][];
}

interface Indicator {
  label: string;
  unit: string;
  value: number | null;
  target: number | null;
  reached?: boolean;
}

const italian = (value: number | null, unit = 'count') =>
  value === null ? 'n.d.' : `${value.toLocaleString('it-IT', { maximumFractionDigits: unit === 'percent' ? 1 : 2 })}${unit === 'percent' ? '%' : ''}`;
const hidden = (value: number | null) => (value === null ? '< 3' : italian(value));

export interface ReportInput {
  indicators: Indicator[];
  monthly: { month: string; callPageViews: number; alertLinkClicks: number; emptySearches: number }[];
  provinces: AreaSummary[];
  region: AreaSummary;
  needs: NeedsCell[];
}

/** The tables of the "Report su avanzamento delle attività", in their order. */
export function reportTables(input: ReportInput): ReportTable[] {
  const coverageRow = (p: AreaSummary): CsvCell[] => [p.name, p.comuni, p.comuniWithOpenCalls, p.comuni - p.comuniWithOpenCalls, p.comuniWithoutUsers];
  const fundsRow = (p: AreaSummary): CsvCell[] => [p.name, italian(p.fundsObtained), p.comuniWithFunds, italian(p.fundsPerInhabitant)];
  return [
    {
      title: 'Indicatori e obiettivi',
      headers: ['Indicatore', 'Valore', 'Obiettivo', 'Stato'],
      rows: input.indicators.map((i) => [
        i.label,
        italian(i.value, i.unit),
        i.target === null ? '' : italian(i.target, i.unit),
        i.reached === undefined ? 'Senza obiettivo' : i.reached ? 'Raggiunto' : 'Non ancora raggiunto',
      ]),
    },
    {
      title: 'Copertura dei bandi per provincia',
      headers: ['Provincia', 'Comuni', 'Con almeno un bando aperto', 'Senza bandi aperti', 'Senza utenti'],
      rows: [...input.provinces.map(coverageRow), coverageRow(input.region)],
    },
    {
      title: 'Fabbisogni e bandi per tema',
      headers: ['Tema', 'Comuni', 'Interventi', 'Costo non finanziato (€)', 'Bandi aperti', 'Importo stimato dei bandi (€)'],
      rows: input.needs.map((n) => [n.themeLabel, hidden(n.comuni), hidden(n.items), hidden(n.unfundedCost), n.openCalls, hidden(n.estimatedAmount)]),
    },
    {
      title: 'Fondi PNRR ottenuti per provincia',
      headers: ['Provincia', 'Fondi ottenuti (€)', 'Comuni finanziati', 'Per abitante (€)'],
      rows: [...input.provinces.map(fundsRow), fundsRow(input.region)],
    },
    {
      title: 'Attività mese per mese',
      headers: ['Mese', 'Visualizzazioni delle schede', 'Avvisi aperti dal link', 'Ricerche senza risultati'],
      rows: input.monthly.map((m) => [m.month, m.callPageViews, m.alertLinkClicks, m.emptySearches]),
    },
  ];
}
