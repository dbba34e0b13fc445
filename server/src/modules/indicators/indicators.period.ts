import { badRequest } from '../../shared/domain-errors.ts';
import type { Period } from './indicators.queries.ts';

const romeDate = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

/** The period asked for, by default the last twelve months up to today in Rome. */
export function periodOf(query: { from?: string; to?: string }, now: Date): Period {
  const to = query.to ?? romeDate(now);
  const from = query.from ?? romeDate(new Date(new Date(`${to}T12:00:00Z`).getTime() - 364 * 24 * 60 * 60 * 1000));
  if (from > to) throw badRequest('PERIOD_INVALID', 'Il periodo non è valido: la data di inizio viene dopo quella di fine.');
  return { from, to };
}
