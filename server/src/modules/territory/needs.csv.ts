import { csvEuros, toCsv } from '../../shared/csv-write.ts';
import { MINIMUM_COMUNI, type NeedsCell } from './needs.privacy.ts';

const HIDDEN = `< ${MINIMUM_COMUNI}`;

/** The needs table for spreadsheets: a hidden cell reads "< 3", never a number. */
export function needsCsv(cells: readonly NeedsCell[]): string {
  return toCsv(
    [
      'Tema',
      'Codice tema',
      'Provincia',
      'Classe dimensionale',
      'Comuni',
      'Interventi',
      'Costo non finanziato (€)',
      'Bandi aperti',
      'Importo stimato dei bandi (€)',
    ],
    cells.map((c) => [
      c.themeLabel,
      c.theme,
      c.province,
      c.sizeClass,
      c.suppressed ? HIDDEN : c.comuni,
      c.suppressed ? HIDDEN : c.items,
      c.suppressed ? HIDDEN : csvEuros(c.unfundedCost),
      c.openCalls,
      c.suppressed ? HIDDEN : csvEuros(c.estimatedAmount),
    ]),
  );
}
