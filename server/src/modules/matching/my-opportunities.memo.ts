import { STATUS_LAG_MS } from '../../shared/call-status.ts';
import type { Clock } from '../../shared/clock.ts';
import { opportunityRows, type RowEntry, type RowFilter, type ServedComune } from './my-opportunities.service.ts';

/** People serving several comuni, a few filters each. */
const MAX_LISTS = 1000;

interface Kept {
  /** Each served comune's matches as the list was built from them: the opportunities cache hands out a new array when one changes. */
  sources: ServedComune['matches'][];
  builtAt: number;
  rows: RowEntry[];
}

/**
 * "Tutti i miei comuni" as sorted rows, kept per comuni and filters: an office serving 40 comuni sorts
 * tens of thousands of entries, tens of milliseconds of the process's only thread, and reloads the
 * page far more often than any of its comuni changes. A list is built again when one of its comuni's
 * matches changed (a new array from the opportunities cache) or, as statuses move with the clock,
 * after STATUS_LAG_MS.
 */
export function keptOpportunityRows() {
  const kept = new Map<string, Kept>();
  return (comuni: ServedComune[], filter: RowFilter, clock: Clock): RowEntry[] => {
    const key = JSON.stringify([comuni.map((c) => [c.istat, c.name]), filter]);
    const now = clock.now.getTime();
    const known = kept.get(key);
    if (known && now - known.builtAt < STATUS_LAG_MS && now >= known.builtAt && known.sources.every((matches, i) => matches === comuni[i]!.matches))
      return known.rows;
    const rows = opportunityRows(comuni, filter, clock);
    kept.delete(key);
    if (kept.size >= MAX_LISTS) kept.delete(kept.keys().next().value!);
    kept.set(key, { sources: comuni.map((c) => c.matches), builtAt: now, rows });
    return rows;
  };
}
