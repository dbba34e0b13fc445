import { factsSentence } from './alerts.texts.ts';
import type { FeedCall } from './feeds.queries.ts';
import type { CalendarEntry } from './feeds.sources.ts';

/** Windows that closed longer ago than this are left out of calendars. */
const PAST_DAYS = 90;

const ROME_TIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Rome',
  'X-LIC-LOCATION:Europe/Rome',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

const ROME_PARTS = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** 20261215T120000, the wall-clock time in Rome. */
function romeLocal(at: Date): string {
  const p = Object.fromEntries(ROME_PARTS.formatToParts(at).map((part) => [part.type, part.value]));
  return `${p.year}${p.month}${p.day}T${p.hour}${p.minute}${p.second}`;
}
const utc = (at: Date) =>
  at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
/**
 * A TEXT value (RFC 5545 §3.3.11): backslash, `;` and `,` escaped, every line break (CRLF, LF or a lone
 * CR) written `\n`, other control characters dropped, so a title cannot end the line and forge properties.
 */
const text = (value: string) =>
  value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');

/** Lines longer than 75 octets are folded (RFC 5545 §3.1), never inside a UTF-8 character. */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    if (octets + size > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

export interface Calendar {
  name: string;
  host: string;
  calls: FeedCall[];
  reminderDays: number[];
  link(call: FeedCall): string;
  /** Whole-day events of other features (application steps and milestones), with absolute links. */
  entries?: (CalendarEntry & { url: string })[];
  now: Date;
}

const day = (value: string) => value.replace(/-/g, '');

/**
 * iCalendar (RFC 5545) of deadlines and window openings: one event per date, with a UID stable per
 * call and window so a moved date updates the event (SEQUENCE follows the call's version), alarms
 * before each deadline, times in Europe/Rome.
 */
export function renderCalendar(calendar: Calendar): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//ANCI Lombardia//Cruscotto digitale//IT',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${text(calendar.name)}`,
    'X-WR-TIMEZONE:Europe/Rome',
    ...ROME_TIMEZONE,
  ];
  const horizon = calendar.now.getTime() - PAST_DAYS * 86_400_000;
  for (const call of calendar.calls) {
    const link = calendar.link(call);
    const description = text([factsSentence(call), link].filter(Boolean).join('\n'));
    const event = (uid: string, summary: string, at: Date, alarms: number[]) => {
      lines.push(
        'BEGIN:VEVENT',
        `UID:${uid}@${calendar.host}`,
        `DTSTAMP:${utc(calendar.now)}`,
        `LAST-MODIFIED:${utc(call.updated_at)}`,
        `SEQUENCE:${call.version}`,
      );
      lines.push(
        `DTSTART;TZID=Europe/Rome:${romeLocal(at)}`,
        `SUMMARY:${text(summary)}`,
        `DESCRIPTION:${description}`,
        `URL:${link}`,
        'TRANSP:TRANSPARENT',
        'STATUS:CONFIRMED',
      );
      for (const days of alarms)
        lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', `TRIGGER:-P${days}D`, `DESCRIPTION:${text(`Scade tra ${days} giorni: ${call.title}`)}`, 'END:VALARM');
      lines.push('END:VEVENT');
    };
    call.windows.forEach((window, i) => {
      const opens = new Date(window.opens_at);
      const closes = window.closes_at ? new Date(window.closes_at) : null;
      if (opens.getTime() >= horizon) event(`${call.call_id}-${i + 1}-apertura`, `Apertura: ${call.title}`, opens, []);
      if (closes && closes.getTime() >= horizon) event(`${call.call_id}-${i + 1}-scadenza`, `Scadenza: ${call.title}`, closes, calendar.reminderDays);
    });
  }
  for (const entry of calendar.entries ?? []) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${entry.uid}@${calendar.host}`,
      `DTSTAMP:${utc(calendar.now)}`,
      `LAST-MODIFIED:${utc(entry.updatedAt)}`,
      `DTSTART;VALUE=DATE:${day(entry.day)}`,
      `SUMMARY:${text(entry.summary)}`,
      `DESCRIPTION:${text(`${entry.description}\n${entry.url}`)}`,
      `URL:${entry.url}`,
      'TRANSP:TRANSPARENT',
      'STATUS:CONFIRMED',
    );
    for (const days of entry.alarmDays)
      lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', `TRIGGER:-P${days}D`, `DESCRIPTION:${text(`Tra ${days} giorni: ${entry.summary}`)}`, 'END:VALARM');
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}
