import { describe, expect, it } from 'vitest';
import { count, deadlineText, euros, longDate, longDateTime, monthYear, percent, plainDate, pluralForm, romeDay } from '@/composables/format';
import { italianNumber, romeTime } from '@/composables/romeClock';

// The SPA formats without Intl on its first screen (web/src/composables/romeClock.ts); Intl, with
// Node's time-zone database, is the reference it must agree with.
const ROME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  hourCycle: 'h23',
  weekday: 'short',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
});
const WEEKDAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
function intlRome(t: number) {
  const part = Object.fromEntries(ROME.formatToParts(t).map((p) => [p.type, p.value]));
  return {
    year: Number(part.year),
    month: Number(part.month),
    day: Number(part.day),
    hour: Number(part.hour),
    minute: Number(part.minute),
    weekday: WEEKDAY.indexOf(part.weekday!),
  };
}

const HOUR = 3_600_000;

describe("Rome's clock without Intl", () => {
  it('agrees with the time-zone database every seven hours from 1990 to 2040, and every quarter hour around each clock change', () => {
    const disagreements: string[] = [];
    // Seven hours apart, the comparisons visit every hour of the day in turn; a clock change on the wrong
    // day would be wrong for days, so it cannot slip between them.
    let hours = 0;
    for (let t = Date.UTC(1990, 0, 1); t < Date.UTC(2041, 0, 1); t += HOUR, hours++) {
      const mine = romeTime(t);
      const reference = hours % 7 === 0 ? intlRome(t) : mine;
      if (JSON.stringify(mine) !== JSON.stringify(reference))
        disagreements.push(`${new Date(t).toISOString()}: ${JSON.stringify(mine)} ≠ ${JSON.stringify(reference)}`);
      // An hour whose offset differs from the one before is a clock change: look at it minute by minute.
      if (t > Date.UTC(1990, 0, 1) && (mine.hour - romeTime(t - HOUR).hour + 24) % 24 !== 1) {
        for (let m = t - 2 * HOUR; m < t + 2 * HOUR; m += 15 * 60_000) {
          if (JSON.stringify(romeTime(m)) !== JSON.stringify(intlRome(m))) disagreements.push(`${new Date(m).toISOString()} (clock change)`);
        }
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
  });

  it('writes dates as Intl does in Italian, and deadlines with their hour', () => {
    const day = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
    const dayTime = new Intl.DateTimeFormat('it-IT', {
      timeZone: 'Europe/Rome',
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
    const hour = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' });
    const calendarDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' });
    for (let t = Date.UTC(2020, 0, 1, 0, 7); t < Date.UTC(2031, 0, 1); t += 7 * HOUR + 13 * 60_000) {
      const instant = new Date(t);
      expect(longDate(instant)).toBe(day.format(instant));
      expect(longDateTime(instant.toISOString())).toBe(dayTime.format(instant));
      expect(deadlineText(instant)).toBe(`${day.format(instant)}, ore ${hour.format(instant)}`);
      expect(romeDay(instant)).toBe(calendarDay.format(instant));
    }
    // The last minute of the year in Rome is already the next year in no other zone.
    expect(deadlineText('2026-12-31T22:59:00Z')).toBe('giovedì 31 dicembre 2026, ore 23:59');
    expect(romeDay('2026-12-31T23:00:00Z')).toBe('2027-01-01');
    expect(() => longDate('not a date')).toThrow(RangeError);
  });

  it('writes numbers and amounts as Intl does in Italian, thousands always grouped', () => {
    const number = new Intl.NumberFormat('it-IT', { maximumFractionDigits: 2, useGrouping: 'always' } as Intl.NumberFormatOptions);
    const currency = new Intl.NumberFormat('it-IT', {
      style: 'currency',
      currency: 'EUR',
      maximumFractionDigits: 0,
      useGrouping: 'always',
    } as Intl.NumberFormatOptions);
    const values = [
      0,
      1,
      7,
      999,
      1000,
      5038,
      15_000,
      123_456.5,
      1_234_567.5,
      0.5,
      1.005,
      2.675,
      1234.565,
      0.125,
      99.995,
      1e-7,
      1e15,
      2 ** 53,
      1e21,
      -1.5,
      -0.004,
      -1234.5678,
      47.3,
    ];
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 2000; i++) values.push(Math.round(random() * 10 ** (1 + (i % 9))) / 10 ** (i % 4), -random() * 10 ** (i % 7));
    // One deliberate difference: Intl writes "-0" for a negative that rounds to nothing, people read 0.
    const unsigned = (text: string) => text.replace(/^-0(?=$|\u00a0)/, '0');
    for (const value of values) {
      expect(count(value), String(value)).toBe(unsigned(number.format(value)));
      expect(euros(value), String(value)).toBe(unsigned(currency.format(value)));
    }
    expect(count(5038)).toBe('5.038');
    expect(euros(79_922)).toBe('79.922\u00a0€');
    expect(italianNumber(-0.001, 2)).toBe('0');
  });

  it('writes reference dates without their weekday', () => {
    expect(plainDate('2021-12-31T12:00:00Z')).toBe('31 dicembre 2021');
    expect(longDate('2021-12-31T12:00:00Z')).toBe('venerdì 31 dicembre 2021');
  });

  it('writes shares and months as Intl does in Italian', () => {
    const share = new Intl.NumberFormat('it-IT', { maximumFractionDigits: 1 });
    for (const value of [0, 0.04, 0.05, 12.5, 33.333, 66.66, 99.95, 100]) expect(percent(value), String(value)).toBe(`${share.format(value)}%`);
    expect(percent(12.46)).toBe('12,5%');
    const month = new Intl.DateTimeFormat('it-IT', { month: 'long', year: 'numeric', timeZone: 'UTC' });
    for (let m = 1; m <= 12; m++) {
      const key = `2026-${String(m).padStart(2, '0')}`;
      expect(monthYear(key)).toBe(month.format(new Date(`${key}-15T12:00:00Z`)));
    }
  });

  it('uses the singular for exactly one', () => {
    const forms = { one: 'comune', other: 'comuni' };
    expect([0, 1, 2, 1.5, 21].map((n) => pluralForm(n, forms))).toEqual(['comuni', 'comune', 'comuni', 'comuni', 'comuni']);
  });
});
