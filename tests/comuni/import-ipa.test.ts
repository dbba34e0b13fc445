import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importComuni } from '../../server/src/modules/comuni/comuni.import.ts';
import { importIpa } from '../../server/src/modules/comuni/ipa.import.ts';
import { repoRoot } from '../../server/src/paths.ts';
import { useTestDatabase } from '../helpers/database.ts';
import { createComune } from '../helpers/identity.ts';

const SITUAS = resolve(repoRoot, '../shared/data/istat/comuni_situas_2026-06-09.csv');
const IPA = resolve(repoRoot, '../shared/data/ipa/codici_ipa_comuni.csv');
const hasData = existsSync(SITUAS) && existsSync(IPA);
if (!hasData) console.log('skipped the real IPA import: ../shared/data is absent');
const csv = (...lines: string[]) => new TextEncoder().encode(lines.join('\n') + '\n');

const ctx = useTestDatabase();

describe.skipIf(!hasData)('import ipa from the real file', () => {
  it('attaches an IPA code to every current comune, reports merged ones, and changes nothing the second time', { timeout: 60_000 }, async () => {
    await importComuni(ctx.db, readFileSync(SITUAS));
    const first = await importIpa(ctx.db, readFileSync(IPA));
    expect(first.read).toBe(8231);
    expect(first.updated).toBeGreaterThan(7800);
    expect(first.rejected.some((r) => r.reason.includes("non è nell'anagrafe"))).toBe(true);
    const crema = await ctx.db.selectFrom('comuni').select('codice_ipa').where('istat', '=', '019035').executeTakeFirstOrThrow();
    expect(crema.codice_ipa).toBe('c_d142');
    const again = await importIpa(ctx.db, readFileSync(IPA));
    expect(again.updated).toBe(0);
  });
});

describe('import ipa from bad files', () => {
  it('reports bad rows and refuses a file of another kind', async () => {
    await createComune(ctx.db, '097055', 'Morterone');
    const report = await importIpa(ctx.db, csv('codice_ipa,cod_comune_istat', 'c_f758,097055', 'c_xxxx,N/D', 'c f!,097055'));
    expect(report.updated + report.unchanged).toBe(1);
    expect(report.rejected).toEqual([
      { line: 3, reason: 'codice ISTAT di forma errata: "N/D" (servono 6 cifre)' },
      { line: 4, reason: 'codice IPA di forma errata: "c f!"' },
    ]);
    await expect(importIpa(ctx.db, csv('codice_istat,denominazione', '019035,Crema'))).rejects.toMatchObject({ code: 'UNKNOWN_FILE_FORMAT' });
    await expect(importIpa(ctx.db, csv('codice_ipa,ente', 'c_d142,Comune di Crema'))).rejects.toMatchObject({ code: 'MISSING_COLUMNS' });
  });
});
