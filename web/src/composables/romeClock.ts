// Rome's wall clock and Italian numbers, computed rather than asked of Intl: the first Intl formatter a
// page builds loads ICU's locale and time-zone data, some 40 ms of a slow phone's first screen. Since
// 1996 Italy follows the EU rule (directive 2000/84/EC): UTC+1, and UTC+2 from 01:00 UTC on the last
// Sunday of March to 01:00 UTC on the last Sunday of October. Earlier years, and numbers beyond plain
// decimals, are asked of Intl. tests/web/rome-clock.test.ts compares both with Intl hour by hour, so a
// change of the rule in the time-zone database shows there.

export const WEEKDAYS = ['domenica', 'lunedì', 'martedì', 'mercoledì', 'giovedì', 'venerdì', 'sabato'];
export const MONTHS = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];

const HOUR_MS = 3_600_000;

/** "05", "12": days, months, hours and minutes as dates write them. */
export const twoDigits = (n: number) => String(n).padStart(2, '0');
const FIRST_EU_RULE_YEAR = 1996;

export interface RomeTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 for Sunday, as Date.getUTCDay */
  weekday: number;
}

function lastSundayAtOneUtc(year: number, monthIndex: number): number {
  const last = new Date(Date.UTC(year, monthIndex + 1, 0));
  return Date.UTC(year, monthIndex, last.getUTCDate() - last.getUTCDay(), 1);
}

const fromUtcFields = (wall: Date): RomeTime => ({
  year: wall.getUTCFullYear(),
  month: wall.getUTCMonth() + 1,
  day: wall.getUTCDate(),
  hour: wall.getUTCHours(),
  minute: wall.getUTCMinutes(),
  weekday: wall.getUTCDay(),
});

let intlParts: Intl.DateTimeFormat | undefined;
function fromIntl(t: number): RomeTime {
  intlParts ??= new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  const part = Object.fromEntries(intlParts.formatToParts(t).map((p) => [p.type, Number(p.value)]));
  return fromUtcFields(new Date(Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!)));
}

/** The date and time on a clock in Rome at an instant (a Date, an ISO text or milliseconds). */
export function romeTime(instant: Date | string | number): RomeTime {
  const t = typeof instant === 'string' ? Date.parse(instant) : +instant;
  if (Number.isNaN(t)) throw new RangeError('Invalid time value');
  const year = new Date(t).getUTCFullYear();
  if (year < FIRST_EU_RULE_YEAR) return fromIntl(t);
  const summer = t >= lastSundayAtOneUtc(year, 2) && t < lastSundayAtOneUtc(year, 9);
  return fromUtcFields(new Date(t + (summer ? 2 : 1) * HOUR_MS));
}

const grouped = (digits: string) => digits.replace(/\B(?=(\d{3})+$)/g, '.');
const intlNumbers = new Map<number, Intl.NumberFormat>();

/**
 * A number as Italians write it, thousands always grouped ("5.038", "1.234,57"), rounded half away
 * from zero to at most `fractionDigits` decimals, as Intl.NumberFormat('it-IT') does.
 */
export function italianNumber(value: number, fractionDigits: number): string {
  const magnitude = String(Math.abs(value));
  if (!Number.isFinite(value) || magnitude.includes('e') || Math.abs(value) >= 1e15) {
    if (!intlNumbers.has(fractionDigits)) intlNumbers.set(fractionDigits, new Intl.NumberFormat('it-IT', { maximumFractionDigits: fractionDigits, useGrouping: 'always' } as Intl.NumberFormatOptions));
    return intlNumbers.get(fractionDigits)!.format(value);
  }
  // Shifting the decimal text, not multiplying, rounds 1.005 to 1,01 as the decimal it was written as.
  const rounded = String(Number(`${Math.round(Number(`${magnitude}e${fractionDigits}`))}e-${fractionDigits}`));
  const [whole, fraction] = rounded.split('.') as [string, string | undefined];
  const sign = value < 0 && rounded !== '0' ? '-' : '';
  return `${sign}${grouped(whole)}${fraction ? `,${fraction}` : ''}`;
}
