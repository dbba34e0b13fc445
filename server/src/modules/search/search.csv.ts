import type { SearchHit } from '../../plugins/search/engine.ts';
import { CALL_STATUS_LABELS, labelOf, PROGRAMME_LABELS } from '../../shared/labels.ts';
import { csvDemo, csvEuros as euros, DEMO_CSV_HEADER, toCsv } from '../../shared/csv-write.ts';

const HEADERS = [
  'Titolo',
  'Ente erogatore',
  'Programma',
  'Misura',
  'Stato',
  'Prossima scadenza',
  'Dotazione (€)',
  'Importo massimo per ente (€)',
  'Temi',
  'Link',
  DEMO_CSV_HEADER,
];
const ROME_DATE_TIME = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', dateStyle: 'short', timeStyle: 'short' });
const romeDay = (iso: string | null) => (iso ? ROME_DATE_TIME.format(new Date(iso)) : '');

export function searchCsv(items: SearchHit[]): string {
  return toCsv(
    HEADERS,
    items.map((h) => [
      h.title,
      h.issuer,
      labelOf(PROGRAMME_LABELS, h.programme),
      h.measureCode ?? '',
      labelOf(CALL_STATUS_LABELS, h.status),
      romeDay(h.nextDeadline),
      euros(h.totalBudget),
      euros(h.amountMax),
      h.themes.join(', '),
      h.link ?? '',
      csvDemo(h.demo),
    ]),
  );
}
