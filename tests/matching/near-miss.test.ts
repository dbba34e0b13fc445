import { beforeAll, describe, expect, it } from 'vitest';
import { nearMissOf } from '../../server/src/modules/matching/matching.near-miss.ts';
import { evaluateEligibility, type CallRules } from '../../server/src/modules/matching/matching.eligibility.ts';
import type { ComuneFacts } from '../../server/src/modules/matching/matching.profile-facts.ts';
import { processCallEvents } from '../../server/src/modules/matching/matching.jobs.ts';
import { seedDemo } from '../../seeds/demo.ts';
import { seedDemoCalls } from '../../seeds/demo-calls.ts';
import { useTestApp } from '../helpers/app.ts';
import { loginAs, type Agent } from '../helpers/identity.ts';

const BAGNOLO = '019005';
const FOUNDATION_CALL = 'Piccoli comuni, servizi digitali vicini - bando per comuni fino a 5.000 abitanti';

describe('near misses, one rule at a time', () => {
  const comune = (over: Partial<ComuneFacts> = {}): ComuneFacts => ({
    istat: '019005',
    name: 'Bagnolo Cremasco',
    legalPopulation: 4931,
    legalPopulationDate: '2021-12-31',
    residentPopulation: 5038,
    residentPopulationDate: '2021-12-31',
    regionCode: '03',
    provinceSigla: 'CR',
    altitudeZone: 5,
    aggregations: [],
    awards: [],
    ...over,
  });
  const rules = (eligibility: Partial<CallRules['eligibility']>): CallRules => ({
    title: 'Avviso',
    measureCode: null,
    remainingBudget: null,
    windows: [{ opensAt: '2026-11-01T00:00:00Z', closesAt: '2027-01-31T23:00:00Z' }],
    eligibility: { bodyTypes: ['comune'], aggregation: 'allowed', exclusions: [], conditions: [], ...eligibility },
  });
  const nearMiss = (r: CallRules, c = comune()) => nearMissOf(evaluateEligibility(r, c, new Date('2026-11-30T10:00:00Z')), r, c);

  it('takes a population a little over the limit, and says the other figure fits', () => {
    expect(nearMiss(rules({ population: { max: 5000 } }))?.unblock).toBe(
      'Con la popolazione legale ISTAT al 31 dicembre 2021 (4.931) il comune rientrerebbe nel limite: verifica nell’avviso quale dato di popolazione conta e, se è quello, segnalalo alla redazione.',
    );
    expect(nearMiss(rules({ population: { max: 5000 } }), comune({ legalPopulation: 5020 }))?.unblock).toMatch(/^Supera il limite di 38 abitanti/);
  });

  it('leaves out a population far over the limit, a territory, and calls missed on two counts', () => {
    expect(nearMiss(rules({ population: { max: 4000 } }))).toBeNull();
    expect(nearMiss(rules({ territory: { provinces: ['SO'] } }))).toBeNull();
    expect(nearMiss(rules({ population: { max: 5000 }, territory: { provinces: ['SO'] } }))).toBeNull();
  });

  it('points a comune outside any unione to the aggregations a call is for, and an exclusion to its check', () => {
    expect(nearMiss(rules({ bodyTypes: ['unione'] }))?.blocking.map((c) => c.rule)).toEqual(['body_type']);
    const funded = comune({ awards: [{ measureCode: '1.4.4', avviso: 'SPID 2022', status: 'assegnato', fundedOn: '2022-06-01' }] });
    expect(nearMiss(rules({ exclusions: [{ kind: 'funded_by_measure', measureCode: '1.4.4' }] }), funded)?.unblock).toMatch(
      /revocato o il comune vi ha rinunciato/,
    );
  });
});

describe('GET /api/v1/comuni/:istat/opportunities?verdict=near_miss', () => {
  const ctx = useTestApp();
  let rtd: Agent;

  beforeAll(async () => {
    await seedDemo(ctx.db);
    await seedDemoCalls(ctx.db, new Date(), 14);
    await processCallEvents(ctx.app);
    rtd = await loginAs(ctx.app, 'rtd.cremasco@demo.cruscotto.it', 'Cruscotto-Demo-2026');
  });

  it('lists the calls the comune misses by one condition, with the condition and what would unblock it', async () => {
    const { body } = await rtd.get(`/api/v1/comuni/${BAGNOLO}/opportunities?verdict=near_miss`).expect(200);
    const foundation = body.items.find((o: { call: { title: string } }) => o.call.title === FOUNDATION_CALL);
    expect(foundation).toMatchObject({ verdict: 'near_miss', call: { status: 'in_scadenza' }, amount: { min: 5000, max: 30000 } });
    expect(foundation.nearMiss.blocking).toEqual([
      {
        rule: 'population',
        outcome: 'fail',
        message: 'La popolazione (popolazione residente ISTAT al 31 dicembre 2021: 5.038) supera il limite di 5.000 abitanti.',
      },
    ]);
    expect(foundation.nearMiss.unblock).toMatch(/popolazione legale ISTAT al 31 dicembre 2021 \(4\.931\)/);
    const eligible = await rtd.get(`/api/v1/comuni/${BAGNOLO}/opportunities?limit=100`).expect(200);
    expect(eligible.body.items.map((o: { call: { title: string } }) => o.call.title)).not.toContain(FOUNDATION_CALL);
  });

  it('is asked on its own', async () => {
    const res = await rtd.get(`/api/v1/comuni/${BAGNOLO}/opportunities?verdict=near_miss&verdict=eligible`).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('VERDICT_NOT_COMBINABLE');
  });
});
