import { byItalianName } from '../../shared/names.ts';
import type { Clock } from '../../shared/clock.ts';
import { selectOpportunities, toOpportunity, type StoredMatch } from './matching.queries.ts';

/** The calls a comune can still apply to, or soon will: what an RTD plans the coming weeks by. */
export const OPEN_STATUSES = ['in_arrivo', 'aperto', 'in_scadenza'] as const;
export const ROW_SORTS = ['deadline', '-deadline', 'amount', '-amount', 'score', 'comune'] as const;

export interface ServedComune {
  istat: string;
  name: string;
  provinceSigla: string;
  matches: StoredMatch[];
}

export interface RowFilter {
  status?: string[] | undefined;
  programme?: string | undefined;
  verdict?: string[] | undefined;
  sort: (typeof ROW_SORTS)[number];
}

export type OpportunityRow = ReturnType<typeof toRow>;

/** A comune's match as the list sorts it; `toRow` renders it, only for the rows a page or a CSV shows. */
export interface RowEntry {
  comune: ServedComune;
  /** The comune's place in alphabetical order (comuni with the same name share it). */
  rank: number;
  view: Parameters<typeof toOpportunity>[0];
}

export function toRow({ comune, view }: RowEntry, clock: Clock) {
  const { call, verdict, score, amount, reasons } = toOpportunity(view, clock);
  return {
    comune: { istat: comune.istat, name: comune.name, provinceSigla: comune.provinceSigla },
    call,
    verdict,
    score,
    amount,
    daysLeft: reasons.daysLeft,
    warnings: reasons.warnings,
  };
}

const byName = (a: RowEntry, b: RowEntry) => a.rank - b.rank;
const deadlineOf = (row: RowEntry, none: number) => row.view.deadline ?? none;
const amountOf = (row: RowEntry) => (row.view.match.amount_min === null ? -1 : row.view.match.amount_max!);
const callId = (row: RowEntry) => row.view.match.call_id;

/** Ties fall back to the deadline, then the comune, then the call: the same order on every page. */
const ORDERS: Record<RowFilter['sort'], (a: RowEntry, b: RowEntry) => number> = {
  deadline: (a, b) => deadlineOf(a, Infinity) - deadlineOf(b, Infinity),
  '-deadline': (a, b) => deadlineOf(b, -Infinity) - deadlineOf(a, -Infinity),
  amount: (a, b) => amountOf(a) - amountOf(b),
  '-amount': (a, b) => amountOf(b) - amountOf(a),
  score: (a, b) => b.view.match.score - a.view.match.score,
  comune: byName,
};

function compare(sort: RowFilter['sort']) {
  return (a: RowEntry, b: RowEntry) =>
    ORDERS[sort](a, b) || deadlineOf(a, Infinity) - deadlineOf(b, Infinity) || byName(a, b) || (callId(a) < callId(b) ? -1 : callId(a) > callId(b) ? 1 : 0);
}

/**
 * One entry per comune and open call across every comune a person serves, from each comune's stored
 * matches (the opportunities cache): filtered, then sorted as one list. An office serving 40 comuni
 * has tens of thousands: they are compared by numbers (each comune's alphabetical rank, worked out
 * once, instead of a locale comparison of names per pair) and rendered only when shown.
 */
export function opportunityRows(comuni: ServedComune[], filter: RowFilter, clock: Clock): RowEntry[] {
  const status = filter.status?.length ? filter.status : [...OPEN_STATUSES];
  const alphabetical = [...comuni].sort((a, b) => byItalianName(a.name, b.name));
  const ranks = new Map<ServedComune, number>();
  alphabetical.forEach((comune, i) => {
    const previous = alphabetical[i - 1];
    ranks.set(comune, previous && byItalianName(previous.name, comune.name) === 0 ? ranks.get(previous)! : i);
  });
  const rows: RowEntry[] = [];
  for (const comune of comuni) {
    const { items } = selectOpportunities(
      comune.matches,
      { status, programme: filter.programme, verdict: filter.verdict, sort: 'deadline', limit: Number.MAX_SAFE_INTEGER, offset: 0 },
      clock,
    );
    const rank = ranks.get(comune)!;
    for (const view of items) rows.push({ comune, rank, view });
  }
  return rows.sort(compare(filter.sort));
}
