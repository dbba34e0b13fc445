import type { EvaluationReport, Share } from './evaluation.ts';

const percent = (s: Share) => (s.share === null ? '–' : `${(s.share * 100).toFixed(1)}% (${s.hits}/${s.total})`);
const pad = (text: string, width: number) => (text.length >= width ? text.slice(0, width) : text + ' '.repeat(width - text.length));
const MISSES_SHOWN = 50;

/** The evaluation as a table for the terminal; --json gives every miss. */
export function printEvaluation(report: EvaluationReport): string {
  const header = `${pad('Avviso', 62)} ${pad('apertura', 10)} ${pad('coppie', 7)} ${pad('ammissibilità', 22)} importo`;
  const rows = report.perAvviso.map(
    (r) =>
      `${pad(r.avviso, 62)} ${r.opensOn} ${pad(String(r.fundedPairs), 7)} ${pad(percent(r.eligibilityRecall), 22)} ${r.amountCheck ? `${percent(r.amountAccuracy)} ${r.amountCheck === 'exact' ? 'esatto' : 'nel range'}` : 'non stimabile'}`,
  );
  const { recallAt3, decisions } = report.ranking;
  const misses = report.eligibilityMisses.slice(0, MISSES_SHOWN).map((m) => `  ${m.istat} ${m.comune} – ${m.avviso}: ${m.reasons.join(' ')}`);
  const amountMisses = report.amountMisses
    .slice(0, MISSES_SHOWN)
    .map((m) => `  ${m.istat} ${m.comune} – ${m.avviso}: concessi ${m.granted} €, stimati ${m.estimated}`);
  return [
    `Valutazione dell'abbinamento${report.region ? ` (regione ${report.region})` : ''}: ${report.truthPairs} coppie comune-avviso finanziate, ${report.comuni} comuni`,
    `Escluse: ${report.skipped.avvisoNotInCatalogue} avvisi fuori catalogo, ${report.skipped.comuneNotInRegistry} comuni non in anagrafe, ${report.skipped.outsideRegion} fuori regione`,
    '',
    header,
    ...rows,
    `${pad('Totale', 62)} ${pad('', 10)} ${pad(String(report.truthPairs), 7)} ${pad(percent(report.total.eligibilityRecall), 22)} ${percent(report.total.amountAccuracy)}`,
    '',
    `Ordinamento, recall@3 su ${decisions} giornate di candidatura: abbinamento ${(recallAt3.matcher * 100).toFixed(1)}%, popolarità ${(recallAt3.popularity * 100).toFixed(1)}%, popolarità per fascia ${(recallAt3.sizeAware * 100).toFixed(1)}%`,
    '',
    `Finanziati giudicati non ammissibili: ${report.eligibilityMisses.length}${report.eligibilityMisses.length > MISSES_SHOWN ? ` (primi ${MISSES_SHOWN}; tutti con --json)` : ''}`,
    ...misses,
    `Importi diversi dalla stima: ${report.amountMisses.length}${report.amountMisses.length > MISSES_SHOWN ? ` (primi ${MISSES_SHOWN}; tutti con --json)` : ''}`,
    ...amountMisses,
  ].join('\n');
}
