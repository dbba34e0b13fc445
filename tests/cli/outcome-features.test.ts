import { describe, expect, it } from 'vitest';
import type { CallInput } from '../../server/src/modules/calls/calls.schemas.ts';
import type { ComuneRecord } from '../../server/src/modules/comuni/comuni.import.ts';
import type { AwardRecord } from '../../server/src/modules/comuni/funding-history.import.ts';
import { toCatalogue, toHistories } from '../../server/src/cli/evaluation/evaluation.data.ts';
import { HistoryKnowledge } from '../../server/src/cli/evaluation/evaluation.knowledge.ts';
import { outcomeFeatures, FEATURE_NAMES } from '../../server/src/modules/matching/index.ts';
import { callInput } from '../helpers/calls.ts';

const eligibility: CallInput['eligibility'] = { bodyTypes: ['comune'], aggregation: 'not_allowed', exclusions: [], conditions: [] };
const fixed = { totalBudget: 1_000_000, amount: { kind: 'fixed' as const, amount: 10000 } };
const [edition2022, edition2024] = toCatalogue([
  callInput({
    title: 'SEND 2022',
    programme: { kind: 'pnrr', code: 'M1C1I1.4.5 SEND' },
    windows: [{ opensAt: '2022-08-31T22:00:00.000Z', closesAt: '2022-11-11T22:59:59.000Z' }],
    eligibility,
    money: fixed,
  }),
  callInput({
    title: 'SEND 2024',
    programme: { kind: 'pnrr', code: 'M1C1I1.4.5 SEND' },
    windows: [{ opensAt: '2024-05-06T22:00:00.000Z', closesAt: '2024-12-06T22:59:59.000Z' }],
    eligibility,
    money: fixed,
  }),
]) as [ReturnType<typeof toCatalogue>[number], ReturnType<typeof toCatalogue>[number]];

const comune = (istat: string, population: number): ComuneRecord => ({
  istat,
  name: `Comune ${istat}`,
  province_code: '012',
  province_sigla: 'VA',
  province_name: 'Varese',
  region_code: '03',
  region_name: 'Lombardia',
  codice_catastale: 'A000',
  legal_population: population,
  legal_population_date: '2021-12-31',
  resident_population: population,
  resident_population_date: '2021-12-31',
});
const award = (istat: string, avviso: string, appliedOn: string, fundedOn: string): AwardRecord => ({
  comune_istat: istat,
  source: 'padigitale2026',
  application_key: `${istat}-${avviso}`,
  avviso,
  measure_code: '1.4.5',
  measure_name: null,
  window_number: 1,
  amount: 10000,
  applied_at: new Date(`${appliedOn}T10:00:00+02:00`),
  funded_on: fundedOn,
  cup: null,
  protocol: '1',
  decree: null,
  status: 'assegnato',
  status_on: null,
  source_file: null,
  snapshot_date: null,
});
const comuni = [comune('012001', 3000), comune('012002', 4000), comune('012003', 4500)];
const decisionDay = new Date('2024-06-10T09:00:00+02:00');

/** The features of comune 012001 for the 2024 edition on 10 June 2024, given the history. */
function featuresWith(awards: AwardRecord[]) {
  const histories = toHistories(comuni, awards);
  const knowledge = new HistoryKnowledge([edition2022, edition2024], histories);
  const values = outcomeFeatures(knowledge.signals(edition2024, histories.get('012001')!, decisionDay, 10000));
  return Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, values[i]]));
}

describe('outcome features as of the decision day', () => {
  it('counts an application to earlier windows of the call sent the day before, not one sent on the day', () => {
    const before = featuresWith([award('012002', 'SEND 2024', '2024-06-09', '2024-09-01')]);
    const onTheDay = featuresWith([award('012002', 'SEND 2024', '2024-06-10', '2024-09-01')]);
    expect(before.call_share_size).toBeCloseTo(1 / 3);
    expect(onTheDay.call_share_size).toBe(0);
    expect(before.call_share_all).toBeGreaterThan(onTheDay.call_share_all!);
  });

  it('knows the comune adopted the platform only from the day after its funding decree', () => {
    const fundedBefore = featuresWith([award('012001', 'SEND 2022', '2022-09-20', '2024-06-09')]);
    const fundedOnTheDay = featuresWith([award('012001', 'SEND 2022', '2022-09-20', '2024-06-10')]);
    expect(fundedBefore.own_edition).toBe(1);
    expect(fundedOnTheDay.own_edition).toBe(0);
    expect(fundedBefore.funded_measures).toBeGreaterThan(fundedOnTheDay.funded_measures!);
  });

  it('counts peers of the same province and size class that applied to an earlier edition before the day', () => {
    const features = featuresWith([award('012002', 'SEND 2022', '2022-09-20', '2022-12-01'), award('012003', 'SEND 2022', '2024-06-11', '2024-09-01')]);
    expect(features.edition_share_province_size).toBeCloseTo(1 / 3);
  });
});
