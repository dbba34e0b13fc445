import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { AVVISI_PNRR, seedAvvisiPnrr } from '../../seeds/avvisi-pnrr.ts';
import { useTestApp } from '../helpers/app.ts';

const ctx = useTestApp();

describe('the curated catalogue of PNRR avvisi for comuni', () => {
  it('loads every avviso as a valid published call, and changes nothing the second time', async () => {
    const first = await seedAvvisiPnrr(ctx.db);
    expect(first.failures).toEqual([]);
    expect(first.created).toBe(AVVISI_PNRR.length);
    const again = await seedAvvisiPnrr(ctx.db);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: AVVISI_PNRR.length });
  });

  it('keeps the rules that applied: brackets, per-service amounts, windows and exclusions', async () => {
    const list = await request(ctx.app.server).get('/api/v1/calls?measure=1.4.1&sort=deadline');
    expect(list.body.items.map((c: { title: string; status: string }) => [c.title, c.status])).toEqual([
      ['1.4.1 Esperienza del Cittadino - Comuni - Aprile 2022', 'chiuso'],
      ['1.4.1 Esperienza del Cittadino - Comuni - Settembre 2022', 'chiuso'],
    ]);
    const september = await request(ctx.app.server).get(`/api/v1/calls/${list.body.items[1].id}`);
    expect(september.body.eligibility.exclusions).toContainEqual(
      expect.objectContaining({ kind: 'funded_by_avviso', avviso: '1.4.1 Esperienza del Cittadino - Comuni - Aprile 2022' }),
    );
    expect(september.body.money.amount.brackets[0]).toMatchObject({ populationMin: 0, populationMax: 5000, amount: 79922 });
    expect(september.body.windows).toEqual([{ label: 'Finestra 1', opensAt: '2022-09-18T22:00:00.000Z', closesAt: '2022-11-04T22:59:59.000Z' }]);
    const pagopa = await request(ctx.app.server).get('/api/v1/calls?q=pagopa&limit=1');
    const detail = await request(ctx.app.server).get(`/api/v1/calls/${pagopa.body.items[0].id}`);
    expect(detail.body.money.amount).toMatchObject({ kind: 'per_unit', minUnits: 3, maxUnits: 117 });
    expect(detail.body.themes).toEqual(['piattaforme.pagopa']);
  });
});
