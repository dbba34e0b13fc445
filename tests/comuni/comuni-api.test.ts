import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../seeds/demo.ts';
import { useTestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/processes.ts';
import { notifyComuniChanged } from '../../server/src/modules/comuni/index.ts';

const ctx = useTestApp();
beforeAll(async () => {
  await seedDemo(ctx.db);
});

describe('GET /api/v1/comuni', () => {
  it('answers a repeated name prefix from memory until the registry changes in any process', async () => {
    const names = async () => ((await request(ctx.app.server).get('/api/v1/comuni?q=crem&region=03')).body.items as { name: string }[]).map((c) => c.name);
    const before = await names();
    expect(before).toContain('Crema');
    // Renamed unseen: nobody is told, so the list still comes from memory.
    await ctx.db.updateTable('comuni').set({ name: 'Crema Nuova' }).where('istat', '=', '019035').execute();
    expect(await names()).toEqual(before);
    // An import on another connection tells every process, as the CLI would.
    await notifyComuniChanged(ctx.db, '*');
    await waitFor(async () => (await names()).includes('Crema Nuova'), 5000, 'the list to follow the registry');
    await ctx.db.updateTable('comuni').set({ name: 'Crema' }).where('istat', '=', '019035').execute();
    await notifyComuniChanged(ctx.db, '*');
    await waitFor(async () => (await names()).includes('Crema'), 5000, 'the name back');
  });

  it('finds comuni by the start of their name, whatever accents and case', async () => {
    await ctx.db
      .insertInto('comuni')
      .values({
        istat: '001001',
        name: 'Agliè',
        province_code: '001',
        province_sigla: 'TO',
        province_name: 'Torino',
        region_code: '01',
        region_name: 'Piemonte',
        legal_population: 2562,
      })
      .execute();
    const res = await request(ctx.app.server).get('/api/v1/comuni?q=AGLIE');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([{ istat: '001001', name: 'Agliè', provinceSigla: 'TO', regionCode: '01', legalPopulation: 2562, sizeClass: 'fino-5000' }]);
  });

  it('filters by region, province, size class and aggregation, and pages with links', async () => {
    const big = await request(ctx.app.server).get('/api/v1/comuni?region=03&sizeClass=oltre-15000&limit=2');
    expect(big.body.total).toBe(12);
    expect(big.body.items.map((c: { name: string }) => c.name)).toEqual(['Bergamo', 'Brescia']);
    expect(big.body._links.next.href).toContain('offset=2');
    const cremona = await request(ctx.app.server).get('/api/v1/comuni?province=cr&sizeClass=5000-15000');
    expect(cremona.body.items.map((c: { name: string }) => c.name)).toEqual(['Casalmaggiore', 'Offanengo', 'Pandino', 'Soncino', 'Soresina']);
    const office = await request(ctx.app.server).get('/api/v1/comuni?aggregation=6f1d2c1e-0000-4000-8000-000000000001');
    expect(office.body.total).toBe(5);
  });

  it('rejects a malformed filter with 400 naming the field', async () => {
    const res = await request(ctx.app.server).get('/api/v1/comuni?region=Lombardia');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('querystring.region');
  });
});

describe('GET /api/v1/comuni/:istat', () => {
  it('returns the profile with derived size class, density and aggregations', async () => {
    const res = await request(ctx.app.server).get('/api/v1/comuni/019067');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Pandino',
      province: { sigla: 'CR', name: 'Cremona' },
      region: { code: '03', name: 'Lombardia' },
      legalPopulation: 8908,
      sizeClass: '5000-15000',
      densityPerKm2: 398.9,
      aggregations: [{ name: 'Ufficio RTD associato del Cremasco', kind: 'ufficio_rtd_associato' }],
    });
  });

  it('answers 404 problem+json for an unknown code and 400 for a malformed one', async () => {
    const unknown = await request(ctx.app.server).get('/api/v1/comuni/999999');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('COMUNE_NOT_FOUND');
    expect((await request(ctx.app.server).get('/api/v1/comuni/crema')).status).toBe(400);
  });
});

describe('the demo seed', () => {
  it('holds about 30 Lombard comuni of every size class, each with a plan and interests, some in an RTD office, unioni and a comunità montana', async () => {
    const comuni = await request(ctx.app.server).get('/api/v1/comuni?region=03&limit=100');
    expect(comuni.body.total).toBe(32);
    expect(new Set(comuni.body.items.map((c: { sizeClass: string }) => c.sizeClass))).toEqual(new Set(['fino-5000', '5000-15000', 'oltre-15000']));
    const kindsOf: Record<string, string[]> = {};
    for (const { istat } of comuni.body.items as { istat: string }[]) {
      const profile = await request(ctx.app.server).get(`/api/v1/comuni/${istat}`);
      expect(profile.body.programming.items, istat).toBeGreaterThanOrEqual(3);
      expect(profile.body.interests.length, istat).toBeGreaterThan(0);
      kindsOf[istat] = profile.body.aggregations.map((a: { kind: string }) => a.kind);
    }
    const grouped = (kind: string) =>
      Object.entries(kindsOf)
        .filter(([, kinds]) => kinds.includes(kind))
        .map(([istat]) => istat)
        .sort();
    // An RTD office in the Cremasco, unioni in the province of Bergamo, comunità montane in Sondrio's.
    expect(grouped('ufficio_rtd_associato')).toEqual(['019005', '019062', '019067', '019109', '019111']);
    expect(grouped('unione')).toEqual(['016064', '016099', '016149', '016187', '016201']);
    expect(grouped('comunita_montana')).toEqual(['014009', '014037', '014060', '014071', '014072', '014073']);
    const kinds = await request(ctx.app.server).get('/api/v1/aggregations');
    expect(kinds.body.items.map((a: { kind: string }) => a.kind).sort()).toEqual(['comunita_montana', 'ufficio_rtd_associato', 'unione']);
  });

  it('changes nothing when run twice', async () => {
    const tables = [
      'comuni',
      'comune_interests',
      'programming_items',
      'programming_item_themes',
      'aggregations',
      'aggregation_members',
      'users',
      'memberships',
    ] as const;
    const snapshot = async () =>
      Object.fromEntries(
        await Promise.all(
          tables.map(async (t) => [
            t,
            (await sql<{ rows: string }>`select md5(string_agg(x::text, '|' order by x::text)) as rows from ${sql.table(t)} x`.execute(ctx.db)).rows[0]!.rows,
          ]),
        ),
      );
    const before = await snapshot();
    expect(Object.entries(before).filter(([, digest]) => digest === null)).toEqual([]);
    expect((await seedDemo(ctx.db)).created).toBe(0);
    expect(await snapshot()).toEqual(before);
  });
});
