import { beforeAll, describe, expect, it } from 'vitest';
import { processCallEvents } from '../../server/src/modules/matching/matching.jobs.ts';
import { seedDemo } from '../../seeds/demo.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

// Bagnolo Cremasco sits between the two figures: 5,038 residents, 4,931 legal inhabitants (2021).
const BAGNOLO = '019005';
const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false' } });
let rtd: Agent;
const calls: Record<'resident' | 'legal', string> = { resident: '', legal: '' };

beforeAll(async () => {
  await seedDemo(ctx.db);
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'rtd@example.it', 'rtd', [BAGNOLO]);
  const editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  rtd = await loginAs(ctx.app, 'rtd@example.it');
  for (const basis of ['resident', 'legal'] as const) {
    const { body } = await editor
      .post('/api/v1/calls')
      .set('x-csrf-token', editor.csrf)
      .send(
        callInput({
          title: `Comuni fino a 5.000 abitanti (${basis})`,
          eligibility: {
            bodyTypes: ['comune'],
            population: { max: 5000 },
            ...(basis === 'legal' ? { populationBasis: 'legal' } : {}),
            aggregation: 'allowed',
            exclusions: [],
            conditions: [],
          },
          money: {
            totalBudget: 1_000_000,
            amount: {
              kind: 'brackets',
              brackets: [
                { populationMin: 0, populationMax: 5000, amount: 79_922 },
                { populationMin: 5001, populationMax: null, amount: 155_234 },
              ],
            },
          },
          windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(30) }],
        }),
      )
      .expect(201);
    calls[basis] = body.id;
    await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  }
  await processCallEvents(ctx.app);
});

describe('one population figure for a comune between its resident and legal population', () => {
  it('judges a call that names no basis on the residents, in the list, the checklist and the bracket alike', async () => {
    const list = await rtd.get(`/api/v1/comuni/${BAGNOLO}/opportunities?limit=100`).expect(200);
    expect(list.body.items.map((o: { call: { id: string } }) => o.call.id)).not.toContain(calls.resident);
    const detail = await rtd.get(`/api/v1/comuni/${BAGNOLO}/opportunities/${calls.resident}`).expect(200);
    expect(detail.body.verdict).toBe('not_eligible');
    expect(detail.body.population).toEqual({ value: 5038, basis: 'resident', asOf: '2021-12-31', label: 'popolazione residente ISTAT al 31 dicembre 2021' });
    expect(detail.body.checks).toContainEqual({
      rule: 'population',
      outcome: 'fail',
      message: 'La popolazione (popolazione residente ISTAT al 31 dicembre 2021: 5.038) supera il limite di 5.000 abitanti.',
    });
    // The bracket the page highlights is the one of the same figure.
    expect(detail.body.amount).toMatchObject({ max: 155_234, basis: 'fascia oltre 5.000 abitanti (popolazione residente ISTAT al 31 dicembre 2021: 5.038)' });
  });

  it('uses the legal population everywhere when the call names it', async () => {
    const list = await rtd.get(`/api/v1/comuni/${BAGNOLO}/opportunities?limit=100`).expect(200);
    const stored = list.body.items.find((o: { call: { id: string } }) => o.call.id === calls.legal);
    expect(stored).toMatchObject({ verdict: 'eligible', amount: { min: 79_922, max: 79_922 } });
    const detail = await rtd.get(`/api/v1/comuni/${BAGNOLO}/opportunities/${calls.legal}`).expect(200);
    expect(detail.body.population).toMatchObject({ value: 4931, basis: 'legal' });
    expect(detail.body.checks).toContainEqual({
      rule: 'population',
      outcome: 'pass',
      message: 'La popolazione (popolazione legale ISTAT al 31 dicembre 2021: 4.931) rientra nei limiti del bando.',
    });
    expect(detail.body.amount).toEqual(stored.amount);
  });

  it('shows both figures, with their dates, on the comune profile', async () => {
    const { body } = await rtd.get(`/api/v1/comuni/${BAGNOLO}`).expect(200);
    expect(body).toMatchObject({ residentPopulation: 5038, residentPopulationDate: '2021-12-31', legalPopulation: 4931, legalPopulationDate: '2021-12-31' });
  });
});
