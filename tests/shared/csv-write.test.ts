import { describe, expect, it } from 'vitest';
import { csvEuros, toCsv } from '../../server/src/shared/csv-write.ts';
import { parseCsv, unneutralised } from '../../server/src/shared/csv.ts';

const body = (csv: string) =>
  csv
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .slice(1, -1);

describe('toCsv', () => {
  it('writes text starting with = + - @ tab or carriage return as text, with a leading quote', () => {
    const cells = ['=1+1', '+39 02', '-2+3', '@SUM(A1)', '\t=1', '\r=1', "'=già scritto come testo", "'testo", 'Bando'];
    expect(
      body(
        toCsv(
          ['a'],
          cells.map((c) => [c]),
        ),
      ),
    ).toEqual(["'=1+1", "'+39 02", "'-2+3", "'@SUM(A1)", "'\t=1", `"'\r=1"`, "''=già scritto come testo", "'testo", 'Bando']);
  });

  it('leaves numbers and the euros it formats alone, negative ones too', () => {
    expect(body(toCsv(['n', 'euro', 'vuoto'], [[-5, csvEuros(-12.5), null]]))).toEqual(['-5;-12,50;']);
  });

  it('gives back, once parsed and unneutralised, the text it was given', () => {
    const cells = ['=1+1', "'=1", "'testo", '-', '@', 'a;b "c"'];
    const parsed = parseCsv(
      toCsv(
        ['a'],
        cells.map((c) => [c]),
      ),
      ';',
    ).slice(1);
    expect(parsed.map((row) => unneutralised(row.values[0]!))).toEqual(cells);
  });
});
