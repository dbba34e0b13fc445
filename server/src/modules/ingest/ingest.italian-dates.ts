const MONTHS = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];

/** Minutes Europe/Rome is ahead of UTC at a given instant (60 in winter, 120 in summer). */
const ROME_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function romeOffsetMinutes(at: Date): number {
  const parts = Object.fromEntries(ROME_PARTS.formatToParts(at).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - at.getTime()) / 60_000);
}

/** An Italian calendar day and wall-clock time as an instant: Italian calls close at Rome time. */
export function romeInstant(day: string, time = '00:00:00'): string {
  const wallClock = new Date(`${day}T${time}Z`).getTime();
  if (Number.isNaN(wallClock)) throw new Error(`data non valida: ${day} ${time}`);
  const guess = wallClock - romeOffsetMinutes(new Date(wallClock)) * 60_000;
  // Near a DST change the offset at the guess can differ from the one at the wall-clock reading.
  return new Date(wallClock - romeOffsetMinutes(new Date(guess)) * 60_000).toISOString();
}

/** "19/04/2022", "2022-04-19", "2022-04-19T10:00:00.000" (Rome time) → "2022-04-19" plus time. */
export function parseItalianDate(value: string | null | undefined): { day: string; time: string | null } | null {
  const text = (value ?? '').trim();
  let match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})/.exec(text);
  if (match) return { day: `${match[3]}-${match[2]!.padStart(2, '0')}-${match[1]!.padStart(2, '0')}`, time: null };
  match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?/.exec(text);
  if (match) return { day: `${match[1]}-${match[2]}-${match[3]}`, time: match[4] ? (match[4].length === 5 ? `${match[4]}:00` : match[4]) : null };
  return null;
}

const DAY_MONTH_YEAR = new RegExp(`(\\d{1,2})(?:°|º)?\\s+(${MONTHS.join('|')})\\s+(\\d{4})`, 'i');
const NUMERIC = /(\d{1,2})[/.](\d{1,2})[/.](\d{4})/;
const TIME = /(?:ore|h\.?)\s*(\d{1,2})[:.](\d{2})/i;

function dayIn(text: string): string | null {
  const named = DAY_MONTH_YEAR.exec(text);
  if (named) return `${named[3]}-${String(MONTHS.indexOf(named[2]!.toLowerCase()) + 1).padStart(2, '0')}-${named[1]!.padStart(2, '0')}`;
  const numeric = NUMERIC.exec(text);
  if (numeric) return `${numeric[3]}-${numeric[2]!.padStart(2, '0')}-${numeric[1]!.padStart(2, '0')}`;
  return null;
}

/**
 * The deadline an Italian text announces: "scadenza: 31 marzo 2026", "entro il 31/03/2026 ore 12:00",
 * "domande fino al 15 maggio 2026". Returns the instant (end of day when no time is given), or null.
 */
export function extractDeadline(text: string): string | null {
  const cue = /(scadenz[ae]|entro (?:e non oltre )?(?:il|le ore)|termine (?:ultimo|per)|chiusura|fino al|non oltre il)/gi;
  for (const match of text.matchAll(cue)) {
    const after = text.slice(match.index!, match.index! + 120);
    const day = dayIn(after);
    if (!day) continue;
    const time = TIME.exec(after);
    return romeInstant(day, time ? `${time[1]!.padStart(2, '0')}:${time[2]}:00` : '23:59:59');
  }
  return null;
}
