import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp();
const CREMA = '019035';
const HEADER = 'codice;titolo;descrizione;temi;anno_inizio;anno_fine;costo_stimato';
let rtd: Agent;

const importFile = (...lines: string[]) =>
  rtd
    .post(`/api/v1/comuni/${CREMA}/programming/import`)
    .set('x-csrf-token', rtd.csrf)
    .set('content-type', 'text/csv')
    .send(lines.join('\n') + '\n');
const codes = async () =>
  (await ctx.db.selectFrom('programming_items').select('code').where('comune_istat', '=', CREMA).orderBy('code').execute()).map((i) => i.code);

beforeAll(async () => {
  await createComune(ctx.db, CREMA, 'Crema', 34000);
  await createTestUser(ctx.db, 'rtd.crema@example.it', 'rtd', [CREMA]);
  rtd = await loginAs(ctx.app, 'rtd.crema@example.it');
});

describe('POST /api/v1/comuni/:istat/programming/import, values out of range', () => {
  it('rejects costs that do not fit, each with its line, and imports the good row', async () => {
    const res = await importFile(
      HEADER,
      'PT-E1;Costo esponenziale;;sicurezza;2026;2026;1e309',
      'PT-E2;Costo enorme;;sicurezza;2026;2026;"999.999.999.999.999,99"',
      'PT-OK;Firewall di nuova generazione;;sicurezza;2026;2026;"45.000,00"',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ read: 3, created: 1 });
    expect(res.body.rejected).toEqual([
      { line: 2, reason: 'costo stimato non valido: "1e309" (es. 12500,00)' },
      { line: 3, reason: 'costo stimato fuori dall\'intervallo ammesso (da 0 a 100.000.000.000 euro): "999.999.999.999.999,99"' },
    ]);
    expect(await codes()).toEqual(['PT-OK']);
  });

  it('rejects a cost written with 400 digits and too many or too long themes, quoting only the start of a long value', async () => {
    const res = await importFile(
      HEADER,
      `PT-E3;Costo infinito;;sicurezza;2026;2026;${'9'.repeat(400)}`,
      `PT-E4;Tema lunghissimo;;${'t'.repeat(5000)};2026;2026;`,
      'PT-E5;Troppi temi;;a,b,c,d,e,f,g,h,i,j,k;2026;2026;',
    );
    expect(res.status).toBe(200);
    expect(res.body.rejected).toEqual([
      { line: 2, reason: `costo stimato fuori dall'intervallo ammesso (da 0 a 100.000.000.000 euro): "${'9'.repeat(60)}…" (400 caratteri)` },
      { line: 3, reason: `temi: un valore supera i 100 caratteri: "${'t'.repeat(60)}…" (5000 caratteri)` },
      { line: 4, reason: 'troppi temi: 11 (massimo 10)' },
    ]);
  });

  it('rejects a code holding a semicolon, a tab or a line break, which the form refuses too', async () => {
    const res = await importFile(
      HEADER,
      '"PT;1";Punto e virgola;;sicurezza;2026;2026;',
      '"PT\t2";Tabulazione;;sicurezza;2026;2026;',
      '"PT\n3";A capo;;sicurezza;2026;2026;',
    );
    expect(res.body.rejected).toEqual([
      { line: 2, reason: 'codice non valido: non può contenere punto e virgola, tabulazioni né andare a capo: "PT;1"' },
      { line: 3, reason: 'codice non valido: non può contenere punto e virgola, tabulazioni né andare a capo: "PT\t2"' },
      { line: 4, reason: 'codice non valido: non può contenere punto e virgola, tabulazioni né andare a capo: "PT\n3"' },
    ]);
    const form = await rtd
      .post(`/api/v1/comuni/${CREMA}/programming`)
      .set('x-csrf-token', rtd.csrf)
      .send({ code: 'PT\t2', title: 'Tabulazione', themes: ['sicurezza'], startYear: 2026, endYear: 2026 });
    expect(form.status).toBe(400);
    expect(form.body.errors.map((e: { field: string }) => e.field)).toContain('body.code');
  });

  it('drops NUL and other control characters from the cells instead of answering 500', async () => {
    const res = await importFile(HEADER, 'PT-NUL;Back\u0000up\u001b in cloud;"Righe\r\ncon\u0000 a capo";sicurezza;2026;2026;');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, rejected: [] });
    const item = await ctx.db.selectFrom('programming_items').select(['title', 'description']).where('code', '=', 'PT-NUL').executeTakeFirstOrThrow();
    expect(item).toEqual({ title: 'Backup in cloud', description: 'Righe\r\ncon a capo' });
  });
});
