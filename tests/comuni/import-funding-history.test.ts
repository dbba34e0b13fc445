import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importComuni } from '../../server/src/modules/comuni/comuni.import.ts';
import { importFundingHistory } from '../../server/src/modules/comuni/funding-history.import.ts';
import { importIpa } from '../../server/src/modules/comuni/ipa.import.ts';
import { repoRoot } from '../../server/src/paths.ts';
import { useTestDatabase } from '../helpers/database.ts';
import { createComune } from '../helpers/identity.ts';

const DATA = resolve(repoRoot, '../shared/data');
const SITUAS = resolve(DATA, 'istat/comuni_situas_2026-06-09.csv');
const IPA = resolve(DATA, 'ipa/codici_ipa_comuni.csv');
const MERGED = resolve(DATA, 'padigitale2026/candidature_comuni.csv');
const PER_MEASURE = resolve(DATA, 'padigitale2026/candidature_finanziate_145_formato_ufficiale.csv');
const hasData = [SITUAS, IPA, MERGED, PER_MEASURE].every((file) => existsSync(file));
if (!hasData) console.log('skipped the real funding-history import: ../shared/data is absent');

const HEADER =
  'codice_ipa,ente,tipologia_ente,comune,cod_comune,provincia,cod_provincia,regione,cod_regione,importo_finanziamento,avviso,misura,misura_codice,data_invio_candidatura,data_finanziamento,codice_cup,numero_finestra_temporale,numero_di_protocollo,decreto_finanziamento,stato_candidatura,data_stato_candidatura,source_file,source_snapshot_date';
const AVVISO_141 = '1.4.1 Esperienza del Cittadino - Comuni - Aprile 2022';
const MEASURE_141 = '1.4.1 Esperienza del cittadino nei servizi pubblici';
const row = (over: Partial<Record<'ipa' | 'istat' | 'amount' | 'cup' | 'window' | 'status' | 'snapshot' | 'funded', string>> = {}) =>
  [
    over.ipa ?? 'c_f758',
    'Comune di Morterone',
    'Comuni',
    'Morterone',
    over.istat ?? '097055',
    'LC',
    '097',
    'Lombardia',
    '03',
    over.amount ?? '79922.0',
    AVVISO_141,
    MEASURE_141,
    '1.4.1',
    '2022-06-07T10:59:00.000+0000',
    over.funded ?? '2022-09-19',
    over.cup ?? 'T91F00000000001',
    over.window ?? '2.0',
    '32.0',
    'Decreto n.32 - 2 / 2022 - PNRR',
    over.status ?? 'A',
    '2022-09-19',
    'candidature_finanziate_141__2025-01-09.csv',
    over.snapshot ?? '2025-01-09',
  ].join(',');
const csv = (...lines: string[]) => new TextEncoder().encode(lines.join('\n') + '\n');

const ctx = useTestDatabase();

describe.skipIf(!hasData)('import funding-history from the real files', () => {
  it('attaches every funded application to its comune, newest snapshot first, and changes nothing the second time', { timeout: 120_000 }, async () => {
    await importComuni(ctx.db, readFileSync(SITUAS));
    await importIpa(ctx.db, readFileSync(IPA));
    const first = await importFundingHistory(ctx.db, readFileSync(MERGED));
    expect(first.read).toBe(54463);
    expect(first.format).toBe('padigitale2026-candidature-unite');
    // The same application appears in two snapshots with its CUP spelt in either case (86 pairs, 2 of them for merged comuni).
    expect(first.superseded).toBe(84);
    expect(first.created + first.rejected.length + first.superseded).toBe(54463);
    // Applications of comuni merged since then (their ISTAT code no longer exists) cannot be attached.
    expect(first.rejected.length).toBeLessThan(2100);
    for (const { reason } of first.rejected) expect(reason).toMatch(/non è nell'anagrafe|comune non riconosciuto/);

    const crema = await ctx.db.selectFrom('funding_awards').select(['measure_code', 'amount', 'status']).where('comune_istat', '=', '019035').execute();
    const lombardy = await ctx.db
      .selectFrom('funding_awards')
      .innerJoin('comuni', 'comuni.istat', 'funding_awards.comune_istat')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('region_code', '=', '03')
      .executeTakeFirstOrThrow();
    expect(lombardy.n).toBeGreaterThan(1000);
    for (const award of crema) expect(['1.2', '1.3.1', '1.4.1', '1.4.3', '1.4.4', '1.4.5']).toContain(award.measure_code);

    const again = await importFundingHistory(ctx.db, readFileSync(MERGED));
    expect({ created: again.created, updated: again.updated }).toEqual({ created: 0, updated: 0 });
    expect(again.unchanged).toBe(first.created);
  });

  it("reads the publisher's per-measure format, whose undated rows never overwrite a newer snapshot", { timeout: 60_000 }, async () => {
    const before = await ctx.db
      .selectFrom('funding_awards')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const report = await importFundingHistory(ctx.db, readFileSync(PER_MEASURE), { fileName: 'candidature_finanziate_145_formato_ufficiale.csv' });
    expect(report.format).toBe('padigitale2026-candidature-misura');
    expect(report.read).toBe(7010);
    expect({ created: report.created, updated: report.updated }).toEqual({ created: 0, updated: 0 });
    expect(report.superseded + report.rejected.length).toBe(7010);
    const after = await ctx.db
      .selectFrom('funding_awards')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

describe('import funding-history from hand-made files', () => {
  it('keeps the newest snapshot of an application and reports the older one as superseded', async () => {
    await createComune(ctx.db, '097055', 'Morterone');
    const report = await importFundingHistory(
      ctx.db,
      csv(HEADER, row({ status: 'E', snapshot: '2025-03-27' }), row({ cup: 't91f00000000001', status: 'A', snapshot: '2022-11-26' })),
    );
    expect(report).toMatchObject({ created: 1, superseded: 1, rejected: [] });
    const award = await ctx.db.selectFrom('funding_awards').selectAll().where('cup', '=', 'T91F00000000001').executeTakeFirstOrThrow();
    expect(award).toMatchObject({
      comune_istat: '097055',
      measure_code: '1.4.1',
      window_number: 2,
      protocol: '32',
      amount: 79922,
      status: 'erogato',
      funded_on: '2022-09-19',
    });
    expect(award.applied_at?.toISOString()).toBe('2022-06-07T10:59:00.000Z');
  });

  it('updates a changed application and reports bad rows with their line and reason', async () => {
    const report = await importFundingHistory(
      ctx.db,
      csv(
        HEADER,
        row({ amount: '80000.0', status: 'E', snapshot: '2025-03-27' }),
        row({ istat: '999999', cup: 'X1' }),
        row({ amount: 'molti', cup: 'X2' }),
        row({ status: 'Z', cup: 'X3' }),
        row({ funded: '19/09/2022', cup: 'X4' }),
        row({ istat: 'N/D', ipa: 'zzz', cup: 'X5' }),
      ),
    );
    expect(report).toMatchObject({ read: 6, created: 0, updated: 1 });
    expect(report.rejected).toEqual([
      { line: 3, reason: "il comune 999999 (Morterone) non è nell'anagrafe" },
      { line: 4, reason: 'importo non valido: "molti"' },
      { line: 5, reason: 'stato della candidatura sconosciuto: "Z" (attesi A, E, R)' },
      { line: 6, reason: 'data di finanziamento non è una data AAAA-MM-GG: "19/09/2022"' },
      { line: 7, reason: 'comune non riconosciuto: codice ISTAT "N/D", codice IPA "zzz" (Morterone)' },
    ]);
    const award = await ctx.db.selectFrom('funding_awards').select('amount').where('cup', '=', 'T91F00000000001').executeTakeFirstOrThrow();
    expect(award.amount).toBe(80000);
    const older = await importFundingHistory(ctx.db, csv(HEADER, row({ amount: '1.0', snapshot: '2022-11-26' })));
    expect(older).toMatchObject({ updated: 0, superseded: 1 });
  });

  it('rejects values that would not fit the database, with line and reason, and imports the good row', async () => {
    const hugeAvviso = row({ cup: 'X6' }).replace(AVVISO_141, 'A'.repeat(1024 * 1024));
    const report = await importFundingHistory(
      ctx.db,
      csv(
        HEADER,
        row({ amount: '1e15', cup: 'X7' }),
        row({ funded: '2022-02-30', cup: 'X8' }),
        hugeAvviso,
        row({ window: '99999', cup: 'X9' }),
        row({ cup: 'T91F0000000\u00000042' }),
      ),
    );
    expect(report).toMatchObject({ read: 5, created: 1 });
    expect(report.rejected).toEqual([
      { line: 2, reason: 'importo fuori dall\'intervallo ammesso (massimo 999.999.999.999,99 euro): "1e15"' },
      { line: 3, reason: 'data di finanziamento non è una data AAAA-MM-GG: "2022-02-30"' },
      { line: 4, reason: `avviso supera i 300 caratteri: "${'A'.repeat(60)}…" (1048576 caratteri)` },
      { line: 5, reason: 'numero della finestra fuori dall\'intervallo ammesso (massimo 32767): "99999"' },
    ]);
    // Only the good row is stored (its control character removed), with its own values.
    const stored = await ctx.db
      .selectFrom('funding_awards')
      .select(['cup', 'amount', 'funded_on', 'comune_istat'])
      .where('cup', 'in', ['X6', 'X7', 'X8', 'X9', 'T91F00000000042'])
      .execute();
    expect(stored.map((a) => ({ ...a, amount: Number(a.amount), funded_on: String(a.funded_on) }))).toEqual([
      { cup: 'T91F00000000042', amount: 79922, funded_on: '2022-09-19', comune_istat: '097055' },
    ]);
  });

  it('finds a comune without ISTAT code by its IPA code', async () => {
    await ctx.db.updateTable('comuni').set({ codice_ipa: 'c_f758' }).where('istat', '=', '097055').execute();
    const report = await importFundingHistory(ctx.db, csv(HEADER, row({ istat: 'N/D', cup: 'T91F00000000099' })));
    expect(report).toMatchObject({ created: 1, rejected: [] });
  });

  it('refuses a file of another kind or with missing columns, and leaves the data as it was', async () => {
    const before = await ctx.db.selectFrom('funding_awards').selectAll().orderBy('id').execute();
    await expect(importFundingHistory(ctx.db, csv('codice_istat,denominazione', '019035,Crema'))).rejects.toMatchObject({ code: 'UNKNOWN_FILE_FORMAT' });
    await expect(importFundingHistory(ctx.db, csv('avviso,importo_finanziamento', 'x,1'))).rejects.toMatchObject({ code: 'MISSING_COLUMNS' });
    await expect(importFundingHistory(ctx.db, csv(''))).rejects.toMatchObject({ code: 'EMPTY_FILE' });
    expect(await ctx.db.selectFrom('funding_awards').selectAll().orderBy('id').execute()).toEqual(before);
  });
});
