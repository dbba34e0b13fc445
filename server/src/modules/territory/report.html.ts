import type { CsvCell } from '../../shared/csv-write.ts';
import { escapeHtml } from '../../shared/html.ts';
import type { ReportTable } from './report.tables.ts';

const cell = (value: CsvCell) => escapeHtml(value === null ? '' : String(value));
const longDay = (day: string) =>
  new Date(`${day}T12:00:00Z`).toLocaleDateString('it-IT', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Rome' });

/** The progress report as a printable A4 page in Italian. */
export function reportHtml(period: { from: string; to: string }, tables: readonly ReportTable[]): string {
  const sections = tables
    .map(
      (t, n) => `<section aria-labelledby="t${n}">
<h2 id="t${n}">${escapeHtml(t.title)}</h2>
<table>
<thead><tr>${t.headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${t.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${cell(c)}</th>` : `<td>${cell(c)}</td>`)).join('')}</tr>`).join('\n')}
</tbody>
</table>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<title>Report su avanzamento delle attività, dal ${escapeHtml(longDay(period.from))} al ${escapeHtml(longDay(period.to))}</title>
<style>
@page { size: A4; margin: 18mm 15mm; }
body { font-family: "Titillium Web", Arial, sans-serif; color: #17324d; font-size: 11pt; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; }
h1 { font-size: 18pt; margin-bottom: 0.2rem; }
h2 { font-size: 13pt; margin-top: 1.5rem; break-after: avoid; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #5c6f82; padding: 0.25rem 0.4rem; text-align: left; vertical-align: top; }
td { text-align: right; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
@media print { body { margin: 0; max-width: none; padding: 0; } }
</style>
</head>
<body>
<h1>Report su avanzamento delle attività</h1>
<p>Cruscotto digitale dei comuni, Regione Lombardia e ANCI Lombardia. Periodo: dal ${escapeHtml(longDay(period.from))} al ${escapeHtml(longDay(period.to))}.</p>
<p>Le celle con meno di 3 comuni sono indicate come “&lt; 3”. I conteggi di visite e clic non contengono dati personali.</p>
${sections}
</body>
</html>
`;
}
