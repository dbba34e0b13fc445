import type { CallInput } from '../../server/src/modules/calls/calls.schemas.ts';

const DAY = 86_400_000;
export const daysFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/** A valid PNRR-like call open now and for the next 60 days; override what a test is about. */
export function callInput(over: Partial<CallInput> = {}): CallInput {
  return {
    title: 'Avviso Misura 1.4.5 Piattaforma Notifiche Digitali - Comuni',
    summary: 'Contributo forfettario per integrare SEND',
    issuer: 'Dipartimento per la trasformazione digitale',
    programme: { kind: 'pnrr', code: 'M1C1I1.4.5' },
    themes: ['piattaforme.send'],
    eligibility: { bodyTypes: ['comune'], aggregation: 'allowed', exclusions: [], conditions: [] },
    money: {
      totalBudget: 200_000_000,
      amount: {
        kind: 'brackets',
        brackets: [
          { populationMin: 0, populationMax: 5000, amount: 23147 },
          { populationMin: 5001, populationMax: 20000, amount: 32589 },
          { populationMin: 20001, populationMax: null, amount: 59966 },
        ],
      },
    },
    procedure: 'sportello',
    windows: [{ opensAt: daysFromNow(-10), closesAt: daysFromNow(60) }],
    links: [{ label: 'Avviso', url: 'https://padigitale2026.gov.it/misure/' }],
    ...over,
  };
}
