import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp();
const CREMA = '019035';
const LODI = '098031';
let rtd: Agent;
let lodiRtd: Agent;
let award: string;

/** The body ProgrammingItemForm sends for a new intervention whose code field was left empty. */
const fromForm = (over: Record<string, unknown> = {}) => ({
  code: null,
  title: 'Telecamere nel centro storico',
  description: null,
  themes: ['sicurezza'],
  startYear: 2026,
  endYear: 2027,
  estimatedCost: 18500,
  priority: 'medium',
  status: 'planned',
  fundingStatus: 'unfunded',
  fundingAwardIds: [],
  ...over,
});
const post = (agent: Agent, body: object, istat = CREMA) => agent.post(`/api/v1/comuni/${istat}/programming`).set('x-csrf-token', agent.csrf).send(body);
const put = (id: string, body: object) => rtd.put(`/api/v1/comuni/${CREMA}/programming/${id}`).set('x-csrf-token', rtd.csrf).send(body);
const exportPlan = async () => (await rtd.get(`/api/v1/comuni/${CREMA}/programming/export`).expect(200)).text;
const importPlan = (file: string) =>
  rtd.post(`/api/v1/comuni/${CREMA}/programming/import`).set('x-csrf-token', rtd.csrf).set('content-type', 'text/csv').send(file);
const auditEntries = async () =>
  Number(
    (
      await ctx.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('entity', '=', 'programming_item')
        .executeTakeFirstOrThrow()
    ).n,
  );
const codes = async () =>
  (await ctx.db.selectFrom('programming_items').select('code').where('comune_istat', '=', CREMA).orderBy('code').execute()).map((i) => i.code);

beforeAll(async () => {
  await createComune(ctx.db, CREMA, 'Crema', 34000);
  await createComune(ctx.db, LODI, 'Lodi', 45000);
  await createTestUser(ctx.db, 'rtd.crema@example.it', 'rtd', [CREMA]);
  await createTestUser(ctx.db, 'rtd.lodi@example.it', 'rtd', [LODI]);
  rtd = await loginAs(ctx.app, 'rtd.crema@example.it');
  lodiRtd = await loginAs(ctx.app, 'rtd.lodi@example.it');
  const row = await ctx.db
    .insertInto('funding_awards')
    .values({
      comune_istat: CREMA,
      source: 'test',
      application_key: 'J91F22000100006',
      cup: 'J91F22000100006',
      avviso: 'Avviso 1.4.3 pagoPA',
      measure_code: '1.4.3',
      amount: 24887,
      status: 'assegnato',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  award = row.id;
});

describe('codes of interventions added through the form', () => {
  it('gives an intervention without a code the next free PT-<start year>-<nn> of its comune', async () => {
    const first = await post(rtd, fromForm());
    expect(first.status).toBe(201);
    expect(first.body.code).toBe('PT-2026-01');
    await post(rtd, fromForm({ code: 'PT-2026-07', title: 'Wi-Fi in biblioteca' })).expect(201);
    expect((await post(rtd, fromForm({ title: 'Firma digitale per la giunta' }))).body.code).toBe('PT-2026-08');
    expect((await post(rtd, fromForm({ title: 'Server in cloud', startYear: 2027 }))).body.code).toBe('PT-2027-01');
    // Codes are unique per comune: Lodi numbers its own plan from 01.
    expect((await post(lodiRtd, fromForm(), LODI)).body.code).toBe('PT-2026-01');
  });

  it('lets the RTD change a code, keeps it when the form leaves it empty, and refuses one already used', async () => {
    const site = { title: 'Sito web comunale', themes: ['piattaforme.pagopa'], fundingAwardIds: [award] };
    const created = (await post(rtd, fromForm(site))).body;
    expect(created.code).toBe('PT-2026-09');
    const renamed = await put(created.id, fromForm({ ...site, code: 'SITO-WEB' }));
    expect(renamed.status).toBe(200);
    expect(renamed.body.code).toBe('SITO-WEB');
    const kept = await put(created.id, fromForm({ ...site, status: 'in_progress' }));
    expect(kept.body).toMatchObject({ code: 'SITO-WEB', status: 'in_progress', fundings: [{ id: award }] });

    const taken = await put(created.id, fromForm({ ...site, code: 'PT-2026-01' }));
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({
      code: 'PROGRAMMING_CODE_TAKEN',
      errors: [{ field: 'body.code', message: "Il codice PT-2026-01 è già usato dall'intervento «Telecamere nel centro storico»: scegline un altro." }],
    });
    expect((await post(rtd, fromForm({ code: 'SITO-WEB' }))).status).toBe(409);
    expect(await codes()).toEqual(['PT-2026-01', 'PT-2026-07', 'PT-2026-08', 'PT-2027-01', 'SITO-WEB']);
  });
});

describe('export then import of the same file', () => {
  it('reports every row unchanged, form-created interventions included, and writes nothing', async () => {
    const exported = await exportPlan();
    expect(exported).toContain('PT-2026-01;Telecamere nel centro storico;;sicurezza;2026;2027;18500,00;media;pianificato;non_finanziato;\r\n');
    expect(exported).toContain('SITO-WEB;Sito web comunale;;piattaforme.pagopa;2026;2027;18500,00;media;in_corso;non_finanziato;J91F22000100006\r\n');
    const audited = await auditEntries();

    const report = await importPlan(exported);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ read: 5, created: 0, updated: 0, unchanged: 5, rejected: [] });
    expect(await exportPlan()).toBe(exported);
    expect(await auditEntries()).toBe(audited);
  });

  it('rejects only the rows with an out-of-range number or a bad line, each with its line and Italian reason, and applies the rest', async () => {
    const [header, ...lines] = (await exportPlan())
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    const file = [
      header,
      ...lines.map((line) => (line.startsWith('PT-2026-01;') ? line.replace('18500,00', '21000,00') : line)),
      'PT-2026-20;Costo negativo;;sicurezza;2026;2026;-500;;;;',
      'PT-2026-21;Costo oltre il massimo;;sicurezza;2026;2026;"200.000.000.000";;;;',
      'PT-2026-22;Anno fuori scala;;sicurezza;2026;2230;;;;;',
      'riga senza senso',
      'PT-2026-23;Nuova rete in municipio;;sicurezza;2026;2026;"9.000";alta;;;',
    ].join('\r\n');
    const audited = await auditEntries();
    const res = await importPlan(file);
    expect(res.status).toBe(200);
    expect(res.body.rejected).toEqual([
      { line: 7, reason: 'costo stimato fuori dall\'intervallo ammesso (da 0 a 100.000.000.000 euro): "-500"' },
      { line: 8, reason: 'costo stimato fuori dall\'intervallo ammesso (da 0 a 100.000.000.000 euro): "200.000.000.000"' },
      { line: 9, reason: 'anno di fine non è un anno tra 2000 e 2100: "2230"' },
      { line: 10, reason: 'titolo mancante' },
    ]);
    expect(res.body).toMatchObject({ read: 10, created: 1, updated: 1, unchanged: 4 });
    const { read, created, updated, unchanged, superseded, rejected } = res.body;
    expect(created + updated + unchanged + superseded + rejected.length).toBe(read);

    const items = (await rtd.get(`/api/v1/comuni/${CREMA}/programming?limit=100`)).body.items;
    expect(items.find((i: { code: string }) => i.code === 'PT-2026-01').estimatedCost).toBe(21000);
    expect(items.find((i: { code: string }) => i.code === 'PT-2026-23')).toMatchObject({ estimatedCost: 9000, priority: 'high' });
    // A rejected row leaves nothing behind: no item, and only the new and the updated item are audited.
    expect(await codes()).toEqual(['PT-2026-01', 'PT-2026-07', 'PT-2026-08', 'PT-2026-23', 'PT-2027-01', 'SITO-WEB']);
    expect(await auditEntries()).toBe(audited + 2);
  });
});
