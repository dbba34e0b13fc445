import type { EvaluationReport, Share } from './evaluation.ts';
import { RANKERS, type Ranker, type RankingFigures, type RankingMetrics } from './evaluation.ranking.ts';

const RANKER_NAMES: Record<Ranker, string> = {
  matcher: 'abbinamento',
  popularity: 'popolarità',
  sizeAware: 'popolarità per fascia',
  provinceSize: 'provincia e fascia',
};
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const metrics = (m: RankingMetrics) => `${pad(pct(m.recallAt3), 7)} ${pad(pct(m.precisionAt3), 7)} ${pad(pct(m.meanAveragePrecision), 7)}`;

/** Recall@3, precision@3 and MAP of the matcher and the three fair baselines, in total and per avviso. */
function printRanking(r: RankingFigures): string[] {
  const head = `${pad('', 62)} ${RANKERS.map((k) => pad(RANKER_NAMES[k], 23)).join(' ')}`;
  const sub = `${pad('Avviso', 55)} ${pad('cand.', 6)} ${RANKERS.map(() => pad('rec@3   prec@3  MAP', 23)).join(' ')}`;
  return [
    `Ordinamento sui comuni esclusi dall'addestramento: ${r.decisions} decisioni (giornate di candidatura), ${r.applications} candidature`,
    head,
    sub,
    ...r.perAvviso.map((a) => `${pad(a.avviso, 55)} ${pad(String(a.applications), 6)} ${RANKERS.map((k) => metrics(a.byRanker[k])).join(' ')}`),
    `${pad('Totale', 55)} ${pad(String(r.applications), 6)} ${RANKERS.map((k) => metrics(r.byRanker[k])).join(' ')}`,
  ];
}

const percent = (s: Share) => (s.share === null ? '–' : `${(s.share * 100).toFixed(1)}% (${s.hits}/${s.total})`);
const pad = (text: string, width: number) => (text.length >= width ? text.slice(0, width) : text + ' '.repeat(width - text.length));
const MISSES_SHOWN = 50;

/** The evaluation as a table for the terminal; --json gives every miss. */
export function printEvaluation(report: EvaluationReport): string {
  const header = `${pad('Avviso', 62)} ${pad('apertura', 10)} ${pad('coppie', 7)} ${pad('ammissibilità', 22)} ${pad('importo più probabile', 24)} importo nel range`;
  const rows = report.perAvviso.map(
    (r) =>
      `${pad(r.avviso, 62)} ${r.opensOn} ${pad(String(r.fundedPairs), 7)} ${pad(percent(r.eligibilityRecall), 22)} ${r.amountCheck ? `${pad(percent(r.likelyExact), 24)} ${percent(r.amountAccuracy)}` : 'non stimabile'}`,
  );
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
    `${pad('Totale', 62)} ${pad('', 10)} ${pad(String(report.truthPairs), 7)} ${pad(percent(report.total.eligibilityRecall), 22)} ${pad(percent(report.total.likelyExact), 24)} ${percent(report.total.amountAccuracy)}`,
    '',
    ...printRanking(report.ranking),
    '',
    `Finanziati giudicati non ammissibili: ${report.eligibilityMisses.length}${report.eligibilityMisses.length > MISSES_SHOWN ? ` (primi ${MISSES_SHOWN}; tutti con --json)` : ''}`,
    ...misses,
    `Importi diversi dalla stima: ${report.amountMisses.length}${report.amountMisses.length > MISSES_SHOWN ? ` (primi ${MISSES_SHOWN}; tutti con --json)` : ''}`,
    ...amountMisses,
  ].join('\n');
}
