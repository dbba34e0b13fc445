// Dates as Italian editors write them, read as Rome time whatever the browser's zone:
// "31/03/2027 12:00", "31-3-2027 ore 12.30", "31 marzo 2027", or the ISO form "2027-03-31T12:00".

import { deadlineText } from './format';
import { MONTHS, romeTime, twoDigits } from './romeClock';

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const asUtc = (w: Wall) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);

/** The instant a Rome wall-clock time names (twice corrected, for the days the clocks change). */
export function romeInstant(wall: Wall): Date {
  let guess = asUtc(wall);
  for (let i = 0; i < 2; i++) guess -= asUtc(romeTime(new Date(guess))) - asUtc(wall);
  return new Date(guess);
}

const DATE = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})/;
const WORDS = new RegExp(`^(\\d{1,2})\\s+(${MONTHS.join('|')})\\s+(\\d{4})`);
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[t\s](\d{2}):(\d{2}))?$/;
const TIME = /^(?:,?\s*(?:alle\s+)?(?:ore\s+)?)(\d{1,2})(?:\s*[:.]\s*(\d{2}))?$/;

function dayOf(text: string): { wall: Omit<Wall, 'hour' | 'minute'>; rest: string } | null {
  const numeric = DATE.exec(text);
  if (numeric) return { wall: { day: Number(numeric[1]), month: Number(numeric[2]), year: Number(numeric[3]) }, rest: text.slice(numeric[0].length) };
  const words = WORDS.exec(text);
  if (words) return { wall: { day: Number(words[1]), month: MONTHS.indexOf(words[2]!) + 1, year: Number(words[3]) }, rest: text.slice(words[0].length) };
  return null;
}

const exists = (w: Wall) => w.month >= 1 && w.month <= 12 && w.day >= 1 && w.day <= new Date(Date.UTC(w.year, w.month, 0)).getUTCDate() && w.hour <= 23 && w.minute <= 59;

/**
 * The instant an editor wrote, in Rome time; a date alone takes `defaultTime` ("00:00", "23:59").
 * null for an empty text, 'invalid' for one that is not a date.
 */
export function parseItalianDateTime(text: string, defaultTime = '00:00'): Date | null | 'invalid' {
  const clean = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!clean) return null;
  const [dh, dm] = defaultTime.split(':').map(Number) as [number, number];
  const iso = ISO.exec(clean);
  let wall: Wall;
  if (iso) wall = { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]), hour: iso[4] ? Number(iso[4]) : dh, minute: iso[5] ? Number(iso[5]) : dm };
  else {
    const day = dayOf(clean);
    if (!day) return 'invalid';
    const rest = day.rest.trim();
    const time = rest ? TIME.exec(rest) : null;
    if (rest && !time) return 'invalid';
    wall = { ...day.wall, hour: time ? Number(time[1]) : dh, minute: time ? Number(time[2] ?? 0) : dm };
  }
  return exists(wall) ? romeInstant(wall) : 'invalid';
}

/** "31/03/2027 12:00": an instant as the field shows it, in Rome time. */
export function italianDateTimeText(iso: string | null | undefined): string {
  if (!iso) return '';
  const w = romeTime(new Date(iso));
  return `${twoDigits(w.day)}/${twoDigits(w.month)}/${w.year} ${twoDigits(w.hour)}:${twoDigits(w.minute)}`;
}

/** "mercoledì 31 marzo 2027, 12:00 ora di Roma": what the editor's text was read as. */
export const romeTimeSentence = (instant: Date) => `${deadlineText(instant)} (ora di Roma)`;
