import { describe, expect, it } from 'vitest';
import { IndexedCall } from '../../server/src/plugins/search/indexed-call.ts';
import type { CallDocument } from '../../server/src/plugins/search/engine.ts';
import { callStatusAt, DAY_MS, nextDeadlineAt, statusChangedAt, statusChangesAt } from '../../server/src/shared/call-status.ts';

const NOW = Date.UTC(2026, 11, 2, 9);
const SOON_DAYS = 14;
const HOUR = 3_600_000;
/** Two windows: the first closing within the "soon" days of NOW, the second opening later; and one open-ended. */
const WINDOWS = [
  { opensAt: NOW - 30 * DAY_MS, closesAt: NOW + 5 * DAY_MS },
  { opensAt: NOW + 40 * DAY_MS, closesAt: NOW + 100 * DAY_MS },
];

const call = (windows: { opensAt: number; closesAt: number | null }[]) =>
  new IndexedCall(
    {
      id: 'c',
      title: 't',
      editorialStatus: 'published',
      programme: 'pnrr',
      themes: [],
      sources: [],
      bodyTypes: [],
      regions: [],
      provinces: [],
      amountMax: null,
      publishedAt: null,
      remainingBudget: null,
      windows,
    } as unknown as CallDocument,
    new Map(),
  );

describe('the span in which a call’s status holds', () => {
  it('runs from its last change to its next one, the status and deadline the same all along', () => {
    for (let at = NOW - 40 * DAY_MS; at < NOW + 110 * DAY_MS; at += 7 * HOUR) {
      const from = statusChangedAt({ windows: WINDOWS }, at, SOON_DAYS) ?? at - 1000 * DAY_MS;
      const until = statusChangesAt({ windows: WINDOWS }, at, SOON_DAYS) ?? at + 1000 * DAY_MS;
      expect(from).toBeLessThanOrEqual(at);
      for (const probe of [from, at, until - 1]) {
        expect(callStatusAt({ remainingBudget: null, windows: WINDOWS }, probe, SOON_DAYS), new Date(probe).toISOString()).toBe(
          callStatusAt({ remainingBudget: null, windows: WINDOWS }, at, SOON_DAYS),
        );
        expect(nextDeadlineAt({ windows: WINDOWS }, probe)).toBe(nextDeadlineAt({ windows: WINDOWS }, at));
      }
      expect(
        callStatusAt({ remainingBudget: null, windows: WINDOWS }, until, SOON_DAYS) !==
          callStatusAt({ remainingBudget: null, windows: WINDOWS }, at, SOON_DAYS) ||
          nextDeadlineAt({ windows: WINDOWS }, until) !== nextDeadlineAt({ windows: WINDOWS }, at) ||
          until === at + 1000 * DAY_MS,
      ).toBe(true);
    }
  });

  it('gives each search the status of its own clock, whatever order concurrent searches read it in', () => {
    const indexed = call(WINDOWS);
    const closing = NOW + 5 * DAY_MS;
    // Searches whose clocks straddle the closing, asked in every order.
    const clocks = [closing + HOUR, closing - HOUR, closing, closing - 2 * HOUR, closing + 2 * HOUR, NOW - 31 * DAY_MS, NOW + 41 * DAY_MS, closing - HOUR];
    for (const at of clocks) {
      expect(indexed.statusAt(at, SOON_DAYS), new Date(at).toISOString()).toBe(callStatusAt({ remainingBudget: null, windows: WINDOWS }, at, SOON_DAYS));
      expect(indexed.deadlineAt(at, SOON_DAYS)).toBe(nextDeadlineAt({ windows: WINDOWS }, at));
    }
    const openEnded = call([{ opensAt: NOW - DAY_MS, closesAt: null }]);
    for (const at of [NOW, NOW - 2 * DAY_MS, NOW + DAY_MS, NOW - DAY_MS])
      expect(openEnded.statusAt(at, SOON_DAYS)).toBe(at >= NOW - DAY_MS ? 'aperto' : 'in_arrivo');
  });
});
