import { describe, expect, it } from 'vitest';
import { estimateAmount } from '../../server/src/modules/matching/matching.amount.ts';
import { evaluateEligibility, type CallRules } from '../../server/src/modules/matching/matching.eligibility.ts';
import type { ComuneFacts } from '../../server/src/modules/matching/matching.profile-facts.ts';
import { AVVISI_PNRR } from '../../seeds/avvisi-pnrr.ts';

const comune = (over: Partial<ComuneFacts> = {}): ComuneFacts => ({
  istat: '019035',
  name: 'Crema',
  legalPopulation: 33970,
  legalPopulationDate: '2021-12-31',
  residentPopulation: 34012,
  residentPopulationDate: '2021-12-31',
  regionCode: '03',
  provinceSigla: 'CR',
  altitudeZone: 5,
  aggregations: [],
  awards: [],
  ...over,
});
const rules = (over: Omit<Partial<CallRules>, 'eligibility'> & { eligibility?: Partial<CallRules['eligibility']> } = {}): CallRules => ({
  title: 'Avviso di prova',
  measureCode: null,
  windows: [{ opensAt: '2026-11-01T00:00:00Z', closesAt: '2027-01-31T23:00:00Z' }],
  remainingBudget: null,
  ...over,
  eligibility: { bodyTypes: ['comune'], aggregation: 'allowed', exclusions: [], conditions: [], ...over.eligibility },
});
const asOf = new Date('2026-11-23T10:00:00Z');
const failures = (r: ReturnType<typeof evaluateEligibility>) => r.checks.filter((c) => c.outcome === 'fail').map((c) => c.message);

describe('eligibility', () => {
  it('says why a comune is too large, in plain Italian', () => {
    const result = evaluateEligibility(rules({ eligibility: { population: { max: 15000 } } }), comune({ residentPopulation: 23400 }), asOf);
    expect(result.verdict).toBe('not_eligible');
    expect(failures(result)).toEqual(['La popolazione (popolazione residente ISTAT al 31 dicembre 2021: 23.400) supera il limite di 15.000 abitanti.']);
  });

  it('checks territory, altitude zone and timing', () => {
    const result = evaluateEligibility(
      rules({
        eligibility: { territory: { provinces: ['SO', 'BG'] }, altitudeZones: [1] },
        windows: [{ opensAt: '2026-01-01T00:00:00Z', closesAt: '2026-03-31T21:59:59Z' }],
      }),
      comune(),
      asOf,
    );
    expect(failures(result)).toEqual([
      'Il comune non è nel territorio a cui il bando è rivolto.',
      'La zona altimetrica del comune non è tra quelle ammesse dal bando.',
      'Il bando è chiuso dal 31 marzo 2026.',
    ]);
    expect(evaluateEligibility(rules({ windows: [{ opensAt: '2027-02-01T00:00:00Z', closesAt: null }] }), comune(), asOf).verdict).toBe('eligible');
  });

  it('lets a comune in through its unione, and flags calls that require applying together', () => {
    const unione = { id: 'u', name: 'Unione dei Comuni della Presolana', kind: 'unione' };
    const forUnioni = rules({ eligibility: { bodyTypes: ['unione'] } });
    expect(evaluateEligibility(forUnioni, comune(), asOf)).toMatchObject({ verdict: 'not_eligible' });
    expect(evaluateEligibility(forUnioni, comune({ aggregations: [unione] }), asOf)).toMatchObject({ verdict: 'eligible_via_aggregation' });
    const together = evaluateEligibility(rules({ eligibility: { aggregation: 'required' } }), comune(), asOf);
    expect(together.verdict).toBe('eligible_via_aggregation');
    expect(together.checks.find((c) => c.rule === 'aggregation')?.message).toContain('non risulta in un’aggregazione');
  });

  it('excludes comuni already funded by the measure, by a named avviso or in an earlier window, but not after a renunciation', () => {
    const award = { measureCode: '1.4.1', avviso: '1.4.1 Esperienza del Cittadino - Comuni - Aprile 2022', status: 'erogato' as const, fundedOn: '2022-09-19' };
    expect(
      failures(
        evaluateEligibility(rules({ eligibility: { exclusions: [{ kind: 'funded_by_measure', measureCode: '1.4' }] } }), comune({ awards: [award] }), asOf),
      ),
    ).toEqual(['Il comune ha già ottenuto un finanziamento della misura 1.4 («1.4.1 Esperienza del Cittadino - Comuni - Aprile 2022»).']);
    const sameAvviso = rules({
      title: '1.4.1 Esperienza del Cittadino - Comuni - Aprile 2022',
      eligibility: { exclusions: [{ kind: 'funded_in_earlier_window' }] },
    });
    expect(evaluateEligibility(sameAvviso, comune({ awards: [award] }), asOf).verdict).toBe('not_eligible');
    expect(evaluateEligibility(sameAvviso, comune({ awards: [{ ...award, status: 'rinuncia' }] }), asOf).verdict).toBe('eligible');
  });

  it('shows free-text conditions as things to verify', () => {
    const result = evaluateEligibility(rules({ eligibility: { conditions: ['Almeno 5 servizi attivati.'] } }), comune(), asOf);
    expect(result.verdict).toBe('eligible');
    expect(result.checks.at(-1)).toEqual({ rule: 'condition', outcome: 'unverifiable', message: 'Almeno 5 servizi attivati.' });
  });
});

describe('estimated amount', () => {
  const avviso = (title: string) => AVVISI_PNRR.find((a) => a.externalId === title)!.call;
  /** The estimate as the matcher makes it: on the population figure the call names. */
  const amountOf = (title: string, facts: ComuneFacts) => estimateAmount(avviso(title).money.amount, facts, avviso(title).eligibility.populationBasis);

  it('reads the population-bracket table of the curated 1.4.1 avviso', () => {
    const title = '1.4.1 Esperienza del Cittadino - Comuni - Settembre 2022';
    expect(amountOf(title, comune({ legalPopulation: 3200 }))).toMatchObject({ likely: 79922, min: 28902, max: 155234 });
    expect(amountOf(title, comune())).toEqual({
      min: 87682,
      max: 328160,
      likely: 280932,
      basis:
        'fascia 20.001–50.000 abitanti (popolazione legale ISTAT al 31 dicembre 2021: 33.970): da 87.682 a 328.160 € secondo le scelte del comune, più spesso 280.932 €',
    });
  });

  it('puts a comune in the bracket of the PA digitale 2026 avvisi by its legal population, as the grants show', () => {
    // Bagnolo Cremasco, 4,931 legal inhabitants and 5,038 residents, obtained 23,147 € from SEND 2022 and 10,172 € from PDND 2022.
    const bagnolo = comune({ istat: '019005', name: 'Bagnolo Cremasco', residentPopulation: 5038, legalPopulation: 4931 });
    expect(amountOf("1.4.5 'Piattaforma Notifiche Digitali' Comuni (Settembre 2022)", bagnolo)).toMatchObject({ min: 23147, max: 23147, likely: 23147 });
    expect(amountOf('1.3.1 Piattaforma Digitale Nazionale Dati - Comuni Ottobre 2022', bagnolo)).toMatchObject({ likely: 10172 });
    expect(AVVISI_PNRR.filter((a) => a.call.eligibility.populationBasis !== 'legal')).toEqual([]);
  });

  it('gives a range for pagoPA: euros per service times 3 to 117 services', () => {
    expect(amountOf('1.4.3 - pagoPA - Comuni - giugno 2024', comune({ legalPopulation: 8908 }))).toMatchObject({ min: 2571, max: 100269 });
  });

  it('handles fixed amounts, ranges and a population the table does not cover', () => {
    expect(estimateAmount({ kind: 'fixed', amount: 14000 }, comune(), undefined)).toMatchObject({ min: 14000, max: 14000 });
    expect(estimateAmount({ kind: 'range', min: 5000, max: 40000 }, comune(), undefined)).toMatchObject({ min: 5000, max: 40000 });
    expect(estimateAmount({ kind: 'brackets', brackets: [{ populationMin: 0, populationMax: 5000, amount: 1 }] }, comune(), undefined)).toBeNull();
    expect(estimateAmount(null, comune(), undefined)).toBeNull();
  });
});

describe('relevance', async () => {
  const { computeRelevance, WEIGHTS } = await import('../../server/src/modules/matching/matching.relevance.ts');
  const item = (over = {}) => ({
    id: 'i1',
    title: 'Pagamenti pagoPA per la mensa',
    themes: ['piattaforme.pagopa'],
    priority: 'high' as const,
    status: 'planned' as const,
    fundingStatus: 'unfunded' as const,
    estimatedCost: 12000,
    lexemes: ['pagament', 'pagop', 'mens'],
    ...over,
  });
  const input = (over = {}) => ({
    callThemes: ['piattaforme'],
    callLexemes: new Set(['pagament', 'pagop', 'serviz']),
    items: [item()],
    interests: [],
    estimate: null,
    daysLeft: 60,
    sportelloOpen: false,
    likelihood: null,
    ...over,
  });

  it('weighs seven documented components that add up to 100', () => {
    expect(Object.keys(WEIGHTS)).toEqual(['programming', 'interests', 'text', 'need', 'urgency', 'amount', 'peers']);
    expect(Object.values(WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('scores a call that funds an urgent, unfunded intervention high, and keeps each component', () => {
    const r = computeRelevance(
      input({
        interests: ['piattaforme.pagopa'],
        estimate: { min: 12000, max: 12000, likely: 12000, basis: '' },
        daysLeft: 9,
        sportelloOpen: true,
        likelihood: 0.5,
      }),
    );
    expect(r.fundableItems).toEqual([{ id: 'i1', title: 'Pagamenti pagoPA per la mensa' }]);
    expect(r.matchedThemes).toEqual(['piattaforme.pagopa']);
    // programming: one high-priority unfunded item is 2/3 of the weight; text: 2 of its 3 words are in the call;
    // urgency: 9 days of 90 with the sportello open; amount: 12,000 € on the 1,000 € – 1 million € log scale;
    // peers: comuni like this one apply to such calls half the time.
    expect(r.components).toEqual({ programming: 20, interests: WEIGHTS.interests, text: WEIGHTS.text, need: WEIGHTS.need, urgency: 5, amount: 2, peers: 15 });
    expect(r.score).toBe(72);
  });

  it('gives nothing for themes the comune does not plan, nor for interventions already funded or done', () => {
    const none = computeRelevance(input({ callThemes: ['sicurezza'], callLexemes: new Set(['sicurezz']) }));
    expect(none.components.programming + none.components.interests + none.components.need + none.components.text).toBe(0);
    const funded = computeRelevance(
      input({ callThemes: ['piattaforme.pagopa'], items: [item({ fundingStatus: 'funded' }), item({ id: 'i2', status: 'done' })] }),
    );
    expect(funded.fundableItems).toEqual([]);
    expect(funded.components.text).toBe(0);
  });

  it('finds by its words an intervention filed under another theme', () => {
    const r = computeRelevance(input({ callThemes: ['servizi.esperienza-cittadino'], items: [item({ themes: ['dati'] })] }));
    expect(r.fundableItems).toEqual([]);
    expect(r.similarItems).toEqual([{ id: 'i1', title: 'Pagamenti pagoPA per la mensa' }]);
    expect(r.components.text).toBe(WEIGHTS.text);
  });

  it('values a bigger estimated amount more, on a log scale that stops at a million euros', () => {
    const worth = (max: number) => computeRelevance(input({ estimate: { min: max, max, likely: max, basis: '' } })).components.amount;
    expect(worth(1000)).toBe(0);
    expect(worth(14000)).toBeLessThan(worth(79922));
    expect(worth(1_000_000)).toBe(WEIGHTS.amount);
    expect(worth(5_000_000)).toBe(WEIGHTS.amount);
  });
});

describe('opportunities read at different times', async () => {
  const { selectOpportunities } = await import('../../server/src/modules/matching/matching.queries.ts');
  const DAY = 86_400_000;
  const t0 = Date.parse('2026-11-01T10:00:00Z');
  const match = (callId: string, score: number, closesInDays: number) => ({
    call_id: callId,
    verdict: 'eligible' as const,
    score,
    components: {},
    reasons: { fundableItems: [], similarItems: [], matchedThemes: [], warnings: [] },
    amount_min: null,
    amount_max: null,
    amount_basis: null,
    computed_at: new Date(t0),
    title: callId,
    issuer: 'Regione',
    programme_kind: 'regionale' as const,
    measure_code: null,
    remaining_budget: null,
    themes: ['sicurezza'],
    demo: false,
    windows: [{ opensAt: t0 - DAY, closesAt: t0 + closesInDays * DAY }],
  });
  const list = [match('a', 80, 30), match('b', 60, 20)];
  const read = (at: number, sort: 'score' | 'deadline' = 'score') =>
    selectOpportunities(list, { sort, limit: 10, offset: 0 }, { now: new Date(at), soonDays: 14 }).items.map((i) => `${i.match.call_id}:${i.status}`);

  it('moves a call to "in scadenza" and then "chiuso" as time passes, on the same stored list', () => {
    expect(read(t0)).toEqual(['a:aperto', 'b:aperto']);
    expect(read(t0 + 7 * DAY)).toEqual(['a:aperto', 'b:in_scadenza']);
    expect(read(t0 + 21 * DAY)).toEqual(['a:in_scadenza', 'b:chiuso']);
    expect(read(t0 + 7 * DAY, 'deadline')).toEqual(['b:in_scadenza', 'a:aperto']);
  });
});

describe('one population figure', () => {
  // Bagnolo Cremasco: 5,038 residents, 4,931 legal inhabitants; a call for comuni up to 5,000.
  const bagnolo = comune({ istat: '019005', name: 'Bagnolo Cremasco', residentPopulation: 5038, legalPopulation: 4931 });
  const brackets = {
    kind: 'brackets' as const,
    brackets: [
      { populationMin: 0, populationMax: 5000, amount: 79922 },
      { populationMin: 5001, populationMax: null, amount: 155234 },
    ],
  };

  it('judges limits and brackets on the resident population when the call does not say', () => {
    const result = evaluateEligibility(rules({ eligibility: { population: { max: 5000 } } }), bagnolo, asOf);
    expect(failures(result)).toEqual(['La popolazione (popolazione residente ISTAT al 31 dicembre 2021: 5.038) supera il limite di 5.000 abitanti.']);
    expect(estimateAmount(brackets, bagnolo, undefined)).toMatchObject({
      max: 155234,
      basis: 'fascia oltre 5.000 abitanti (popolazione residente ISTAT al 31 dicembre 2021: 5.038)',
    });
  });

  it('uses the legal population everywhere when the call names it', () => {
    const result = evaluateEligibility(rules({ eligibility: { population: { max: 5000 }, populationBasis: 'legal' } }), bagnolo, asOf);
    expect(result.verdict).toBe('eligible');
    expect(result.checks).toContainEqual({
      rule: 'population',
      outcome: 'pass',
      message: 'La popolazione (popolazione legale ISTAT al 31 dicembre 2021: 4.931) rientra nei limiti del bando.',
    });
    expect(estimateAmount(brackets, bagnolo, 'legal')).toMatchObject({
      max: 79922,
      basis: 'fascia 0–5.000 abitanti (popolazione legale ISTAT al 31 dicembre 2021: 4.931)',
    });
  });

  it('falls back to the other figure, and says which, when the named one is unknown', () => {
    const result = evaluateEligibility(
      rules({ eligibility: { population: { max: 5000 }, populationBasis: 'legal' } }),
      comune({ legalPopulation: null, residentPopulation: 4100 }),
      asOf,
    );
    expect(result.checks).toContainEqual({
      rule: 'population',
      outcome: 'pass',
      message: 'La popolazione (popolazione residente ISTAT al 31 dicembre 2021: 4.100) rientra nei limiti del bando.',
    });
  });
});
