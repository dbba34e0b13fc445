import type { SearchHit } from '../../plugins/search/engine.ts';

const HEADERS = ['Titolo', 'Ente erogatore', 'Programma', 'Misura', 'Stato', 'Prossima scadenza', 'Dotazione (€)', 'Importo massimo per ente (€)', 'Temi', 'Link'];
const STATUS_LABELS: Record<string, string> = { in_arrivo: 'In arrivo', aperto: 'Aperto', in_scadenza: 'In scadenza', chiuso: 'Chiuso', esaurito: 'Esaurito' };
const cell = (value: string) => (/[";\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const euros = (value: number | null) => (value === null ? '' : value.toFixed(2).replace('.', ','));
const ROME_DATE_TIME = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', dateStyle: 'short', timeStyle: 'short' });
const romeDay = (iso: string | null) => (iso ? ROME_DATE_TIME.format(new Date(iso)) : '');

/** `;`-separated UTF-8 with a BOM, the way spreadsheet programs set to Italian open it. */
export function searchCsv(items: SearchHit[]): string {
  const lines = items.map((h) =>
    [h.title, h.issuer, h.programme, h.measureCode ?? '', STATUS_LABELS[h.status] ?? h.status, romeDay(h.nextDeadline), euros(h.totalBudget), euros(h.amountMax), h.themes.join(', '), h.link ?? ''].map(cell).join(';'),
  );
  return '\uFEFF' + [HEADERS.join(';'), ...lines].join('\r\n') + '\r\n';
}
