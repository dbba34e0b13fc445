import { toCsv } from '../../shared/csv-write.ts';
import { labelOf, SIZE_CLASS_LABELS } from '../../shared/labels.ts';
import type { ApplicationAnalytics } from './analytics.queries.ts';

/** Two tables in one file, as the Redazione pastes them in a report: the funnel per call, then the reasons. */
export function analyticsCsv(data: ApplicationAnalytics): string {
  const funnel = toCsv(
    ['Bando', 'Comuni abbinati', 'Interessati', 'Candidature presentate', 'Finanziate', 'Non partecipano'],
    [
      ...data.calls.map((c) => [c.title, c.matched, c.interested, c.applied, c.funded, c.notApplying]),
      ['Totale', data.total.matched, data.total.interested, data.total.applied, data.total.funded, data.total.notApplying],
    ],
  );
  const reasons = toCsv(
    ['Motivo', 'Provincia', 'Classe di popolazione', 'Comuni'],
    data.reasons.map((r) => [r.label, r.province, r.sizeClass ? labelOf(SIZE_CLASS_LABELS, r.sizeClass) : 'non nota', r.count]),
  );
  return funnel + '\r\n' + reasons.replace(/^\uFEFF/, '');
}
