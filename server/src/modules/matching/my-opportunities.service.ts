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

function toRow(comune: ServedComune, view: Parameters<typeof toOpportunity>[0], clock: Clock) {
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

const byName = (a: OpportunityRow, b: OpportunityRow) => a.comune.name.localeCompare(b.comune.name, 'it');
const deadlineOf = (row: OpportunityRow, none: number) => (row.call.nextDeadline === null ? none : Date.parse(row.call.nextDeadline));
const amountOf = (row: OpportunityRow) => row.amount?.max ?? -1;

/** Ties fall back to the deadline, then the comune, then the call: the same order on every page. */
const ORDERS: Record<RowFilter['sort'], (a: OpportunityRow, b: OpportunityRow) => number> = {
  deadline: (a, b) => deadlineOf(a, Infinity) - deadlineOf(b, Infinity),
  '-deadline': (a, b) => deadlineOf(b, -Infinity) - deadlineOf(a, -Infinity),
  amount: (a, b) => amountOf(a) - amountOf(b),
  '-amount': (a, b) => amountOf(b) - amountOf(a),
  score: (a, b) => b.score - a.score,
  comune: byName,
};

function compare(sort: RowFilter['sort']) {
  return (a: OpportunityRow, b: OpportunityRow) =>
    ORDERS[sort](a, b) || deadlineOf(a, Infinity) - deadlineOf(b, Infinity) || byName(a, b) || (a.call.id < b.call.id ? -1 : a.call.id > b.call.id ? 1 : 0);
}

/**
 * One row per comune and open call across every comune a person serves, from each comune's stored
 * matches (the opportunities cache): filtered, then sorted as one list.
 */
export function opportunityRows(comuni: ServedComune[], filter: RowFilter, clock: Clock): OpportunityRow[] {
  const status = filter.status?.length ? filter.status : [...OPEN_STATUSES];
  const rows: OpportunityRow[] = [];
  for (const comune of comuni) {
    const { items } = selectOpportunities(
      comune.matches,
      { status, programme: filter.programme, verdict: filter.verdict, sort: 'deadline', limit: Number.MAX_SAFE_INTEGER, offset: 0 },
      clock,
    );
    for (const view of items) rows.push(toRow(comune, view, clock));
  }
  return rows.sort(compare(filter.sort));
}
