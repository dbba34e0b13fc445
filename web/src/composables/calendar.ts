import type { Schemas } from '@/api/client';

const stamp = (iso: string) => new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const text = (value: string) => value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\n/g, '\\n');

/** A one-off .ics with the deadlines of a call (the subscribed feeds carry every call). */
export function callCalendar(call: Schemas['Call'], url: string): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//ANCI Lombardia//Cruscotto digitale//IT', 'METHOD:PUBLISH'];
  call.windows.forEach((w, i) => {
    if (!w.closesAt) return;
    lines.push('BEGIN:VEVENT', `UID:${call.id}-${i + 1}-scadenza@cruscotto`, `DTSTAMP:${stamp(new Date().toISOString())}`, `DTSTART:${stamp(w.closesAt)}`, `SUMMARY:${text(`Scadenza: ${call.title}`)}`, `URL:${url}`);
    lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-P7D', `DESCRIPTION:${text(`Scade tra 7 giorni: ${call.title}`)}`, 'END:VALARM', 'END:VEVENT');
  });
  lines.push('END:VCALENDAR');
  return lines.join('\r\n') + '\r\n';
}

export function download(name: string, body: string | Blob, type: string) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(body instanceof Blob ? body : new Blob([body], { type }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
