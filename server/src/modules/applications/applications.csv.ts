import { csvEuros, toCsv } from '../../shared/csv-write.ts';
import type { Summary } from './applications.mappers.ts';
import { REASON_LABELS } from './applications.rules.ts';

const italianDay = (day: string | null) => (day ? day.split('-').reverse().join('/') : null);

/** Applications as the office's annual report reads them: one row per comune and call. */
export function applicationsCsv(items: readonly Summary[]): string {
  return toCsv(
    [
      'Codice ISTAT',
      'Comune',
      'Bando',
      'Stato',
      'Motivo',
      'Importo richiesto (€)',
      'CUP',
      'Prossimo passo',
      'Prossima scadenza',
      'Passi scaduti',
      'Traguardi scaduti',
    ],
    items.map((a) => [
      a.istat,
      a.comune,
      a.callTitle,
      a.statusLabel,
      a.reason ? REASON_LABELS[a.reason] : null,
      csvEuros(a.amountRequested),
      a.cup,
      a.nextStep?.title ?? null,
      italianDay(a.nextDeadline),
      a.overdueSteps,
      a.overdueMilestones,
    ]),
  );
}
