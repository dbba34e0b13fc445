import { sql, type RawBuilder } from 'kysely';

/**
 * The status users see for a call, defined once: the TypeScript form below and the SQL form after it
 * say the same thing, and tests/calls/call-status.test.ts runs one table of cases through both (and
 * through the calls list, both search engines and the matcher).
 *
 * - funds exhausted (remaining budget 0) → esaurito, whatever the windows;
 * - a window open now (opened, not yet closed) that closes within `soonDays` → in_scadenza;
 * - a window open now → aperto;
 * - otherwise a window still to open → in_arrivo;
 * - otherwise (every window closed, or no window at all) → chiuso.
 *
 * The next deadline is the earliest closing still ahead; with none ahead, null when a window stays open
 * until funds run out, else the last closing (in the past); null without windows.
 */
export const CALL_STATUSES = ['in_arrivo', 'aperto', 'in_scadenza', 'chiuso', 'esaurito'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
/** Statuses in which a call can still be applied to, now or later. */
export const LIVE_STATUSES: readonly CallStatus[] = ['in_arrivo', 'aperto', 'in_scadenza'];

export const DAY_MS = 86_400_000;

/**
 * How long an answer computed from statuses may be served from memory (the catalogue, search): a
 * status or a "closing within" count can lag the clock by this much, never more.
 */
export const STATUS_LAG_MS = 30_000;

/** A submission window in epoch milliseconds; `closesAt` null: open until funds run out. */
export interface TimeWindow {
  opensAt: number;
  closesAt: number | null;
}

// Plain loops: search computes these for every matched call of every query.
export function callStatusAt(call: { remainingBudget: number | null; windows: TimeWindow[] }, now: number, soonDays: number): CallStatus {
  if (call.remainingBudget === 0) return 'esaurito';
  const soon = now + soonDays * DAY_MS;
  let open = false;
  let upcoming = false;
  for (const w of call.windows) {
    if (w.opensAt > now) upcoming = true;
    else if (w.closesAt === null || w.closesAt > now) {
      if (w.closesAt !== null && w.closesAt <= soon) return 'in_scadenza';
      open = true;
    }
  }
  if (open) return 'aperto';
  return upcoming ? 'in_arrivo' : 'chiuso';
}

export function nextDeadlineAt(call: { windows: TimeWindow[] }, now: number): number | null {
  let ahead: number | null = null;
  let last: number | null = null;
  let openEnded = false;
  for (const { closesAt } of call.windows) {
    if (closesAt === null) openEnded = true;
    else if (closesAt > now) ahead = ahead === null ? closesAt : Math.min(ahead, closesAt);
    else last = last === null ? closesAt : Math.max(last, closesAt);
  }
  if (ahead !== null) return ahead;
  return openEnded ? null : last;
}

/** The instants at which a call's status or next deadline can change: each holds from one to the next. */
const changesOf = (call: { windows: TimeWindow[] }, soonDays: number) =>
  call.windows.flatMap((w) => (w.closesAt === null ? [w.opensAt] : [w.opensAt, w.closesAt, w.closesAt - soonDays * DAY_MS]));

/** The first instant after `now` at which the status or the next deadline can change; null: never. */
export function statusChangesAt(call: { windows: TimeWindow[] }, now: number, soonDays: number): number | null {
  const ahead = changesOf(call, soonDays).filter((m) => m > now);
  return ahead.length > 0 ? Math.min(...ahead) : null;
}

/** The last instant up to `now` at which the status or the next deadline changed; null: never. */
export function statusChangedAt(call: { windows: TimeWindow[] }, now: number, soonDays: number): number | null {
  const past = changesOf(call, soonDays).filter((m) => m <= now);
  return past.length > 0 ? Math.max(...past) : null;
}

/**
 * Where the SQL form reads a call: its remaining budget, a from-item `windows` that yields rows aliased
 * `w` with columns `opens` and `closes` (null: open until funds run out), in the unit of `now` (a Date
 * for timestamptz columns, epoch milliseconds for bigint ones). `bounds`, when the rows store them, are
 * the earliest opening and the latest closing (null when a window is open-ended): they only let most
 * calls skip the windows, the answer is the same without them.
 */
export interface CallStatusSource {
  remainingBudget: RawBuilder<unknown>;
  windows: RawBuilder<unknown>;
  bounds?: { opens: RawBuilder<unknown>; closes: RawBuilder<unknown> };
}

const later = (now: Date | number, ms: number) => (typeof now === 'number' ? now + ms : new Date(now.getTime() + ms));

export function callStatusSql(source: CallStatusSource, now: Date | number, soonDays: number): RawBuilder<CallStatus> {
  const soon = later(now, soonDays * DAY_MS);
  const w = source.windows;
  const shortcuts = source.bounds ? sql`when ${source.bounds.opens} > ${now} then 'in_arrivo' when ${source.bounds.closes} <= ${now} then 'chiuso'` : sql``;
  return sql<CallStatus>`(case
    when ${source.remainingBudget} = 0 then 'esaurito'
    ${shortcuts}
    when exists (select 1 from ${w} where w.opens <= ${now} and w.closes > ${now} and w.closes <= ${soon}) then 'in_scadenza'
    when exists (select 1 from ${w} where w.opens <= ${now} and (w.closes is null or w.closes > ${now})) then 'aperto'
    when exists (select 1 from ${w} where w.opens > ${now}) then 'in_arrivo'
    else 'chiuso' end)`;
}

export function nextDeadlineSql<T>(source: CallStatusSource, now: Date | number): RawBuilder<T | null> {
  const w = source.windows;
  const shortcut = source.bounds ? sql`when ${source.bounds.closes} <= ${now} then ${source.bounds.closes}` : sql``;
  return sql<T | null>`(case ${shortcut}
    when exists (select 1 from ${w} where w.closes > ${now}) then (select min(w.closes) from ${w} where w.closes > ${now})
    when exists (select 1 from ${w} where w.closes is null) then null
    else (select max(w.closes) from ${w}) end)`;
}
