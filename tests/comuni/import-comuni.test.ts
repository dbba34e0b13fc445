import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importComuni } from '../../server/src/modules/comuni/comuni.import.ts';
import { DomainError } from '../../server/src/shared/domain-errors.ts';
import { repoRoot } from '../../server/src/paths.ts';
import { useTestDatabase } from '../helpers/database.ts';

const DATA = resolve(repoRoot, '../shared/data/istat');
const SITUAS = resolve(DATA, 'comuni_situas_2026-06-09.csv');
const ELENCO = resolve(DATA, 'elenco_comuni_italiani_2020-01-01_latin1.csv');
const hasData = existsSync(SITUAS) && existsSync(ELENCO);
if (!hasData) console.log(`skipped the real ISTAT imports: ${DATA} is absent (../shared/data not beside the repo)`);

const HEADER =
  'codice_istat,denominazione,codice_catastale,regione,provincia,sigla_provincia,superficie_km2,popolazione_residente,popolazione_legale,zona_altimetrica,altitudine,comune_litoraneo,comune_isolano';
const CREMA = '019035,Crema,D142,Lombardia,Cremona,CR,34.51,34012,33970,5,87,0,0';
const csv = (...lines: string[]) => new TextEncoder().encode(lines.join('\n') + '\n');

const ctx = useTestDatabase();

async function rejection(bytes: Uint8Array): Promise<DomainError> {
  try {
    await importComuni(ctx.db, bytes);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the import to be refused');
}

describe.skipIf(!hasData)('import comuni from the real ISTAT files', () => {
  it('imports every comune of SITUAS (1,501 in Lombardy), and a second run changes nothing', { timeout: 60_000 }, async () => {
    const first = await importComuni(ctx.db, readFileSync(SITUAS));
    expect(first).toMatchObject({ format: 'istat-situas', encoding: 'utf-8', read: 7894, created: 7894, rejected: [] });
    const lombardy = await ctx.db
      .selectFrom('comuni')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('region_code', '=', '03')
      .executeTakeFirstOrThrow();
    expect(lombardy.n).toBe(1501);
    const crema = await ctx.db.selectFrom('comuni').selectAll().where('istat', '=', '019035').executeTakeFirstOrThrow();
    expect(crema).toMatchObject({ name: 'Crema', province_sigla: 'CR', codice_catastale: 'D142', legal_population: 33970, altitude_zone: 5 });
    const again = await importComuni(ctx.db, readFileSync(SITUAS));
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 7894 });
  });

  it('reads the official Latin-1 "Elenco comuni italiani" the same way', { timeout: 60_000 }, async () => {
    const report = await importComuni(ctx.db, readFileSync(ELENCO));
    expect(report).toMatchObject({ format: 'istat-elenco-comuni', encoding: 'latin1', read: 7904, rejected: [] });
    const agliè = await ctx.db
      .selectFrom('comuni')
      .select(['name', 'legal_population', 'legal_population_date'])
      .where('istat', '=', '001001')
      .executeTakeFirstOrThrow();
    expect(agliè).toEqual({ name: 'Agliè', legal_population: 2644, legal_population_date: '2011-10-09' });
  });
});

describe('import comuni from bad files', () => {
  it('reports each bad row with its line and reason, and imports the rest', async () => {
    const report = await importComuni(
      ctx.db,
      csv(
        HEADER,
        CREMA,
        '19036,Corto,D143,Lombardia,Cremona,CR,1,1,1,5,1,0,0',
        '019037,Numeri,D144,Lombardia,Cremona,CR,1,mille,1,5,1,0,0',
        CREMA.replace('Crema', 'Crema bis'),
      ),
    );
    expect(report.rejected).toEqual([
      { line: 3, reason: 'codice ISTAT di forma errata: "19036" (servono 6 cifre)' },
      { line: 4, reason: 'popolazione residente non è un numero intero: "mille"' },
      { line: 5, reason: 'codice ISTAT 019035 ripetuto nel file' },
    ]);
    expect(report.read).toBe(4);
  });

  it('refuses a file with missing columns or of another kind, naming the problem', async () => {
    const missing = await rejection(csv('codice_istat,denominazione', '019035,Crema'));
    expect(missing).toMatchObject({ kind: 'unprocessable', code: 'MISSING_COLUMNS' });
    expect(missing.detail).toContain('popolazione_legale');
    const other = await rejection(csv('codice_ipa,ente', 'c_d142,Comune di Crema'));
    expect(other).toMatchObject({ kind: 'unprocessable', code: 'UNKNOWN_FILE_FORMAT' });
    expect((await rejection(new Uint8Array())).code).toBe('EMPTY_FILE');
  });

  it('leaves the previous state when the import fails midway: nothing is half-imported', async () => {
    await importComuni(ctx.db, csv(HEADER, CREMA));
    const snapshot = () => ctx.db.selectFrom('comuni').selectAll().orderBy('istat').execute();
    const before = await snapshot();
    expect(before.find((c) => c.istat === '019035')).toMatchObject({ resident_population: 34012 });
    const failing = {
      beforeCommit: async () => {
        throw new Error('disk full');
      },
    };
    // A new comune and a change to Crema in one file: neither may stay.
    const changedCrema = CREMA.replace(',34012,33970,', ',40000,39000,');
    await expect(importComuni(ctx.db, csv(HEADER, '099997,Nuovo,D146,Lombardia,Cremona,CR,1,1,1,5,1,0,0', changedCrema), failing)).rejects.toThrow('disk full');
    expect(await snapshot()).toEqual(before);
    // The same file without the failure does both: the test above would notice a half-import.
    await importComuni(ctx.db, csv(HEADER, '099997,Nuovo,D146,Lombardia,Cremona,CR,1,1,1,5,1,0,0', changedCrema));
    const after = await snapshot();
    expect(after.map((c) => c.istat)).toContain('099997');
    expect(after.find((c) => c.istat === '019035')).toMatchObject({ resident_population: 40000 });
  });

  it('rejects rows whose values would not fit the database, with line and reason, and imports the others', async () => {
    const huge = 'X'.repeat(1024 * 1024);
    const report = await importComuni(
      ctx.db,
      csv(
        HEADER,
        `099990,${huge},D150,Lombardia,Cremona,CR,1,1,1,5,1,0,0`,
        '099991,Buono,D151,Lombardia,Cremona,CR,12.5,100,100,5,87,0,0',
        '099992,Sigla lunga,D152,Lombardia,Cremona,CRX,1,1,1,5,1,0,0',
        '099993,Popoloso,D153,Lombardia,Cremona,CR,1,99999999999,1,5,1,0,0',
        '099994,Vastissimo,D154,Lombardia,Cremona,CR,1e9,1,1,5,1,0,0',
        '099995,Profondo,D155,Lombardia,Cremona,CR,1,1,1,5,-99999999999,0,0',
      ),
    );
    expect(report).toMatchObject({ read: 6, created: 1 });
    expect(report.rejected).toEqual([
      { line: 2, reason: `denominazione supera i 200 caratteri: "${'X'.repeat(60)}…" (1048576 caratteri)` },
      { line: 4, reason: 'sigla della provincia di forma errata: "CRX" (servono 2 lettere maiuscole)' },
      { line: 5, reason: 'popolazione residente fuori dall\'intervallo ammesso (massimo 2147483647): "99999999999"' },
      { line: 6, reason: 'superficie fuori dall\'intervallo ammesso (massimo 999999.9999 km²): "1e9"' },
      { line: 7, reason: 'altitudine fuori dall\'intervallo ammesso (da -9999 a 9999 metri): "-99999999999"' },
    ]);
    expect(await ctx.db.selectFrom('comuni').select('name').where('istat', '=', '099991').executeTakeFirst()).toEqual({ name: 'Buono' });
  });

  it('drops control characters from the cells instead of failing on them', async () => {
    const report = await importComuni(ctx.db, csv(HEADER, '099996,Nul\u0000lo\u001b,D156,Lombardia,Cremona,CR,1,1,1,5,1,0,0'));
    expect(report).toMatchObject({ created: 1, rejected: [] });
    expect(await ctx.db.selectFrom('comuni').select('name').where('istat', '=', '099996').executeTakeFirst()).toEqual({ name: 'Nullo' });
  });
});
