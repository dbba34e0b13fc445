import { withoutControlCharacters } from './control-characters.ts';
/**
 * Text a spreadsheet would run as a formula (OWASP, CSV injection: `=`, `+`, `-`, `@`, tab, carriage
 * return first), also when quotes already precede it: `toCsv` puts one more `'` before all such text,
 * `unneutralised` takes it away, so that what was written reads back the same.
 */
export const FORMULA_START = /^'*[=+\-@\t\r]/;

/** A cell as it was before `toCsv` neutralised it. */
export const unneutralised = (value: string) => (value.startsWith("'") && FORMULA_START.test(value) ? value.slice(1) : value);

/** Decodes a file as UTF-8 when it is valid UTF-8, otherwise as Latin-1 (ISTAT still publishes some files so). */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'latin1' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('latin1').decode(bytes), encoding: 'latin1' };
  }
}

export interface CsvRow {
  /** 1-based line where the record starts, for error reports. */
  line: number;
  values: string[];
}

/**
 * RFC 4180 with a chosen delimiter: quoted fields may hold delimiters, quotes ("") and line breaks.
 * Control characters are dropped from the cells, so that one stray byte does not stop an import.
 */
export function parseCsv(file: string, delimiter: string): CsvRow[] {
  const text = withoutControlCharacters(file);
  const rows: CsvRow[] = [];
  let values: string[] = [];
  let field = '';
  // Characters are added to `field` a run at a time (one slice), not one by one: an 18 MB file is parsed
  // several times faster and leaves far less garbage.
  let runStart = -1;
  const flush = (end: number) => {
    if (runStart >= 0) field += text.slice(runStart, end);
    runStart = -1;
  };
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"') {
        flush(i);
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (char === '\n') line++;
        if (runStart < 0) runStart = i;
      }
      continue;
    }
    if (char === '"' && field === '' && runStart < 0) quoted = true;
    else if (char === delimiter) {
      flush(i);
      values.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      flush(i);
      if (char === '\r' && text[i + 1] === '\n') i++;
      values.push(field);
      if (values.length > 1 || values[0] !== '') rows.push({ line: rowLine, values });
      values = [];
      field = '';
      line++;
      rowLine = line;
    } else if (runStart < 0) runStart = i;
  }
  flush(text.length);
  if (field !== '' || values.length > 0) {
    values.push(field);
    rows.push({ line: rowLine, values });
  }
  return rows;
}

/** The delimiter of the header line: whichever of `;` `,` `\t` occurs most. */
export function sniffDelimiter(text: string): string {
  const header = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  return [';', ',', '\t'].map((d) => [d, header.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
}
