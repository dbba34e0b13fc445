import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { geoArea } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { processCallEvents } from '../../server/src/modules/matching/matching.jobs.ts';
import { boundariesLoader, COMUNI_TOPOLOGY_FILE } from '../../server/src/modules/territory/territory.boundaries.ts';
import { repoRoot } from '../../server/src/paths.ts';
import { outlineBox } from '../../web/src/composables/mapHitTest.ts';
import { seedDemo } from '../../seeds/demo.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';

const GEO = resolve(repoRoot, '../shared/data/geo', COMUNI_TOPOLOGY_FILE);
const hasGeo = existsSync(GEO);
if (!hasGeo) console.log(`skipped the map's boundaries and outlines: ${GEO} is absent (../shared/data not beside the repo)`);

interface Outline {
  id: string;
  d: string;
}
const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false' } });
let viewer: Agent;
let rtd: Agent;

// Small comuni of the province of Cremona (all under 5,000 inhabitants) and their province.
const SMALL_CREMASCO = ['019005', '019109', '019111'];

async function planUnfunded(istat: string, theme: string, cost: number, note: string, code = `T-${theme}-${istat}`) {
  const item = await ctx.db
    .insertInto('programming_items')
    .values({
      comune_istat: istat,
      code,
      title: note,
      description: note,
      start_year: 2026,
      end_year: 2027,
      estimated_cost: cost,
      priority: 'high',
      status: 'planned',
      funding_status: 'unfunded',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await ctx.db.insertInto('programming_item_themes').values({ item_id: item.id, theme_code: theme }).execute();
}

beforeAll(async () => {
  await seedDemo(ctx.db);
  await ctx.db
    .insertInto('themes')
    .values([
      { code: 'territorio', parent_code: null, label: 'Territorio', sort_order: 90 },
      { code: 'territorio.sensori', parent_code: 'territorio', label: 'Sensori urbani', sort_order: 91 },
      { code: 'territorio.droni', parent_code: 'territorio', label: 'Droni per il catasto', sort_order: 92 },
    ])
    .execute();
  // Three comuni share the sensors need, which an open call serves; only two plan drones, with no call.
  for (const istat of SMALL_CREMASCO) await planUnfunded(istat, 'territorio.sensori', 10_000, `Nota riservata di ${istat}`);
  await planUnfunded('019005', 'territorio.droni', 40_000, 'Drone del comune di Bagnolo');
  await planUnfunded('019109', 'territorio.droni', 20_000, 'Drone del comune di Trescore');
  await ctx.db
    .insertInto('funding_awards')
    .values([
      {
        comune_istat: '019035',
        source: 'test',
        application_key: 'crema-145',
        avviso: 'Avviso 1.4.5',
        measure_code: '1.4.5',
        measure_name: 'Notifiche digitali',
        amount: 59_966,
        status: 'assegnato',
        funded_on: '2023-05-01',
        cup: 'J11F22000000006',
      },
      {
        comune_istat: '019005',
        source: 'test',
        application_key: 'bagnolo-145',
        avviso: 'Avviso 1.4.5',
        measure_code: '1.4.5',
        measure_name: 'Notifiche digitali',
        amount: 23_147,
        status: 'erogato',
        funded_on: '2023-05-01',
        cup: null,
      },
      {
        comune_istat: '019005',
        source: 'test',
        application_key: 'bagnolo-12',
        avviso: 'Avviso 1.2',
        measure_code: '1.2',
        measure_name: 'Cloud',
        amount: 50_000,
        status: 'rinuncia',
        funded_on: '2023-01-01',
        cup: null,
      },
    ])
    .execute();
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'osservatorio@regione.example.it', 'viewer');
  await createTestUser(ctx.db, 'rtd@crema.example.it', 'rtd', ['019035']);
  const editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  viewer = await loginAs(ctx.app, 'osservatorio@regione.example.it');
  rtd = await loginAs(ctx.app, 'rtd@crema.example.it');
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(
      callInput({
        title: 'Sensori per i comuni cremonesi',
        themes: ['territorio.sensori'],
        eligibility: { bodyTypes: ['comune'], territory: { provinces: ['CR'] }, aggregation: 'allowed', exclusions: [], conditions: [] },
        windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(30) }],
      }),
    );
  await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  await processCallEvents(ctx.app);
});

type Figures = {
  istat: string;
  name: string;
  province: string;
  openCalls: number;
  availableAmount: number;
  fundsObtained: number;
  fundsPerInhabitant: number | null;
  unfundedItems: number;
  hasUsers: boolean;
};

describe('GET /api/v1/territory/comuni', () => {
  it('gives every Lombard comune the figures of each map layer, and the same totals by province', async () => {
    const { body, status } = await viewer.get('/api/v1/territory/comuni');
    expect(status).toBe(200);
    const comuni = body.comuni as Figures[];
    const lombard = await ctx.db.selectFrom('comuni').select('istat').where('region_code', '=', '03').where('valid_to', 'is', null).execute();
    expect(comuni.map((c) => c.istat).sort()).toEqual(lombard.map((c) => c.istat).sort());
    const byIstat = new Map(comuni.map((c) => [c.istat, c]));
    // The open call reaches the province of Cremona only, with the bracket amount of each comune.
    expect(comuni.filter((c) => c.openCalls > 0).every((c) => c.province === 'CR')).toBe(true);
    expect(byIstat.get('019035')).toMatchObject({ openCalls: 1, availableAmount: 59_966, fundsObtained: 59_966, fundsPerInhabitant: 1.77, hasUsers: true });
    // A renounced award is not a fund obtained.
    expect(byIstat.get('019005')).toMatchObject({ fundsObtained: 23_147 });
    expect(byIstat.get('016024')).toMatchObject({ openCalls: 0, availableAmount: 0 });
    const cremona = (body.provinces as { key: string; comuni: number; comuniWithOpenCalls: number; fundsObtained: number; unfundedItems: number }[]).find(
      (p) => p.key === 'CR',
    )!;
    const inCremona = comuni.filter((c) => c.province === 'CR');
    expect(cremona).toMatchObject({
      name: 'Cremona',
      comuni: inCremona.length,
      comuniWithOpenCalls: inCremona.length,
      fundsObtained: 59_966 + 23_147,
      unfundedItems: inCremona.reduce((n, c) => n + c.unfundedItems, 0),
    });
    expect(body.region.comuniWithoutUsers).toBe(comuni.filter((c) => !c.hasUsers).length);
    expect(body.region.name).toBe('Lombardia');
    // Alphabetically, as Italians sort names: the page ranks them by value and keeps ties in this order.
    const names = comuni.map((c) => c.name);
    expect(names).toEqual([...names].sort(new Intl.Collator('it').compare));
  });

  it('is for Regione, ANCI and admins only', async () => {
    expect((await rtd.get('/api/v1/territory/comuni')).status).toBe(403);
    expect((await rtd.get('/api/v1/analytics/needs')).status).toBe(403);
    for (const path of ['/api/v1/territory/outlines', '/api/v1/territory/boundaries']) {
      const denied = await rtd.get(path);
      expect(denied.status).toBe(403);
      expect(denied.headers['content-type']).toContain('application/problem+json');
      expect((await request(ctx.app.server).get(path)).status).toBe(401);
    }
  });
});

describe('GET /api/v1/territory/funds', () => {
  it('sums funds obtained by measure with the share of comuni that obtained each, for a province', async () => {
    const { body } = await viewer.get('/api/v1/territory/funds?province=CR');
    const comuni = body.area.comuni as number;
    expect(body.byMeasure).toEqual([
      expect.objectContaining({ measureCode: '1.4.5', comuni: 2, amount: 83_113, share: Math.round((2 / comuni) * 1000) / 1000 }),
    ]);
    expect(body.bySizeClass.reduce((n: number, s: { comuni: number }) => n + s.comuni, 0)).toBe(comuni);
    // Areas come with the names people read: the province's, each size class's.
    expect(body.area.name).toBe('Cremona');
    expect(body.bySizeClass.map((s: { name: string }) => s.name)).toEqual(['meno di 5.000 abitanti', 'da 5.000 a 15.000 abitanti', 'oltre 15.000 abitanti']);
    const bergamo = await viewer.get('/api/v1/territory/funds?province=BG');
    expect(bergamo.body.byMeasure).toEqual([]);
  });
});

describe('GET /api/v1/analytics/needs', () => {
  it('sets unfunded needs against the open calls of their theme, hiding cells of fewer than 3 comuni', async () => {
    const { body } = await viewer.get('/api/v1/analytics/needs?province=CR&sizeClass=fino-5000');
    const sensors = body.cells.find((c: { theme: string }) => c.theme === 'territorio.sensori');
    expect(sensors).toMatchObject({ province: 'CR', sizeClass: 'fino-5000', comuni: 3, items: 3, unfundedCost: 30_000, openCalls: 1, suppressed: false });
    // Bagnolo Cremasco's 5,038 residents put it in the call's second bracket.
    expect(sensors.estimatedAmount).toBe(2 * 23_147 + 32_589);
    const drones = body.cells.find((c: { theme: string }) => c.theme === 'territorio.droni');
    expect(drones).toEqual(expect.objectContaining({ comuni: null, items: null, unfundedCost: null, estimatedAmount: null, suppressed: true }));
    expect(body.withoutCall.map((t: { theme: string }) => t.theme)).toContain('territorio.droni');
    expect(body.withoutCall.map((t: { theme: string }) => t.theme)).not.toContain('territorio.sensori');
    // Only aggregates: no text of a comune's plan leaves the API.
    expect(JSON.stringify(body)).not.toMatch(/Nota riservata|Drone del comune/);
  });

  it('writes "< 3" in the CSV where a cell is hidden', async () => {
    const csv = await viewer.get('/api/v1/analytics/needs?province=CR').set('accept', 'text/csv');
    expect(csv.headers['content-disposition']).toContain('fabbisogni-e-bandi.csv');
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe(
      '\uFEFFTema;Codice tema;Provincia;Classe dimensionale;Comuni;Interventi;Costo non finanziato (€);Bandi aperti;Importo stimato dei bandi (€)',
    );
    expect(lines).toContain('Droni per il catasto;territorio.droni;CR;fino-5000;< 3;< 3;< 3;0;< 3');
    expect(lines).toContain('Sensori urbani;territorio.sensori;CR;fino-5000;3;3;30000,00;1;78883,00');
  });

  it("follows a comune's plan and matches as they change, reloading only the comuni a change names", async () => {
    const sensors = async () =>
      (
        (await viewer.get('/api/v1/analytics/needs?province=CR&sizeClass=fino-5000').expect(200)).body.cells as {
          theme: string;
          unfundedCost: number;
          estimatedAmount: number;
        }[]
      ).find((c) => c.theme === 'territorio.sensori')!;
    const before = await sensors();
    // Written unseen (triggers off, nobody notified): the report stays as it was, even after another comune changes.
    await ctx.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await trx.updateTable('programming_items').set({ estimated_cost: 15_000 }).where('code', '=', 'T-territorio.sensori-019111').execute();
    });
    // Written by anyone (here a script, straight into the tables): the triggers name the comune.
    await planUnfunded('019109', 'territorio.sensori', 5_000, 'Seconda nota riservata', 'T-sensori-bis');
    await waitFor(async () => (await sensors()).unfundedCost === before.unfundedCost + 5_000, 5000, "Trescore's new item in the needs");
    // Bagnolo's match of the sensors call (second bracket, 32,589 €) is gone (a rematch, as the matcher writes it): its amount leaves the cell.
    await ctx.db
      .deleteFrom('matches')
      .where('comune_istat', '=', '019005')
      .where('call_id', 'in', ctx.db.selectFrom('calls').select('id').where('title', '=', 'Sensori per i comuni cremonesi'))
      .execute();
    await waitFor(async () => (await sensors()).estimatedAmount === before.estimatedAmount - 32_589, 5000, "Bagnolo's amount to leave the cell");
    expect((await sensors()).unfundedCost).toBe(before.unfundedCost + 5_000);
    // A change to every comune reloads them all, the unseen change included.
    await sql`select pg_notify('comuni_changed', '*')`.execute(ctx.db);
    await waitFor(async () => (await sensors()).unfundedCost === before.unfundedCost + 10_000, 5000, 'every comune reloaded');
  });
});

describe.skipIf(!hasGeo)('GET /api/v1/territory/boundaries and /outlines', () => {
  it('serves the comuni boundaries from the shared data, keeping only what the map joins on', async () => {
    const { body, status } = await viewer.get('/api/v1/territory/boundaries');
    expect(status).toBe(200);
    const geometries = body.objects.comuni.geometries as { properties: Record<string, string> }[];
    expect(geometries.length).toBeGreaterThan(1500);
    expect(geometries.find((g) => g.properties.istat === '019035')?.properties).toEqual({ istat: '019035', name: 'Crema', province: 'CR' });
  });

  it('downloads in under 100 KB gzipped, on a grid coarse enough for the map yet with no comune lost', async () => {
    const { body } = await viewer.get('/api/v1/territory/boundaries').expect(200);
    expect(gzipSync(JSON.stringify(body)).length).toBeLessThan(100 * 1024);
    const topology = body as Topology<{ comuni: GeometryCollection<{ istat: string }> }>;
    const comuni = feature(topology, topology.objects.comuni).features;
    const vanished = comuni.filter((c) => !(geoArea(c) > 0) || geoArea(c) > 2 * Math.PI).map((c) => c.properties.istat);
    expect(vanished).toEqual([]);
  });

  it('draws every comune and province as an SVG outline inside the map box, Crema within Cremona', async () => {
    const { body, status } = await viewer.get('/api/v1/territory/outlines');
    expect(status).toBe(200);
    const outlines = body as { width: number; height: number; comuni: Outline[]; provinces: Outline[] };
    const topology = (await viewer.get('/api/v1/territory/boundaries').expect(200)).body as Topology<{ comuni: GeometryCollection<{ istat: string }> }>;
    expect(outlines.comuni.map((c) => c.id).sort()).toEqual(topology.objects.comuni.geometries.map((g) => (g.properties as { istat: string }).istat).sort());
    expect(outlines.provinces.map((p) => p.id).sort()).toEqual(['BG', 'BS', 'CO', 'CR', 'LC', 'LO', 'MB', 'MI', 'MN', 'PV', 'SO', 'VA']);
    for (const shape of [...outlines.comuni, ...outlines.provinces]) {
      const box = outlineBox(shape.d);
      expect(box.minX, shape.id).toBeGreaterThanOrEqual(-0.1);
      expect(box.minY, shape.id).toBeGreaterThanOrEqual(-0.1);
      expect(box.maxX, shape.id).toBeLessThanOrEqual(outlines.width + 0.1);
      expect(box.maxY, shape.id).toBeLessThanOrEqual(outlines.height + 0.1);
      expect(box.maxX - box.minX, shape.id).toBeGreaterThan(0);
    }
    const crema = outlineBox(outlines.comuni.find((c) => c.id === '019035')!.d);
    const cremona = outlineBox(outlines.provinces.find((p) => p.id === 'CR')!.d);
    expect(crema.minX).toBeGreaterThanOrEqual(cremona.minX);
    expect(crema.maxX).toBeLessThanOrEqual(cremona.maxX);
    expect(crema.minY).toBeGreaterThanOrEqual(cremona.minY);
    expect(crema.maxY).toBeLessThanOrEqual(cremona.maxY);
    expect(gzipSync(JSON.stringify(body)).length).toBeLessThan(100 * 1024);
  });

  it('says in Italian that the map cannot be drawn when the data folder is missing', async () => {
    await expect(boundariesLoader('/nonexistent-geo').outlines()).rejects.toMatchObject({
      kind: 'unavailable',
      code: 'MAP_BOUNDARIES_MISSING',
      detail: expect.stringContaining('le tabelle restano consultabili'),
    });
  });
});
