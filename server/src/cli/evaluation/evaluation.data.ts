import type { CallInput } from '../../modules/calls/index.ts';
import { parseMeasureCode } from '../../modules/calls/index.ts';
import type { ComuneRecord } from '../../modules/comuni/index.ts';
import type { AwardRecord } from '../../modules/comuni/index.ts';
import type { CallRules } from '../../modules/matching/index.ts';
import type { ComuneFacts } from '../../modules/matching/index.ts';
import { avvisoKey } from '../../modules/matching/index.ts';

/** An avviso of the catalogue as the evaluation reads it. */
export interface CatalogueAvviso {
  title: string;
  key: string;
  rules: CallRules;
  amount: CallInput['money']['amount'];
  themes: string[];
  opensAt: Date;
}

/** A comune's registry facts and every award it obtained, oldest first. */
export interface ComuneHistory {
  facts: Omit<ComuneFacts, 'awards'>;
  awards: AwardRecord[];
}

export { avvisoKey };

export function toCatalogue(calls: CallInput[]): CatalogueAvviso[] {
  return calls.map((call) => ({
    title: call.title,
    key: avvisoKey(call.title),
    rules: {
      title: call.title,
      measureCode: parseMeasureCode(call.programme.code),
      eligibility: call.eligibility,
      windows: call.windows,
      remainingBudget: null,
    },
    amount: call.money.amount,
    themes: call.themes,
    opensAt: new Date(Math.min(...call.windows.map((w) => Date.parse(w.opensAt)))),
  }));
}

export function toHistories(comuni: ComuneRecord[], awards: AwardRecord[]): Map<string, ComuneHistory> {
  const histories = new Map<string, ComuneHistory>();
  for (const c of comuni) {
    histories.set(c.istat, {
      facts: {
        istat: c.istat,
        name: c.name,
        legalPopulation: c.legal_population,
        legalPopulationDate: null,
        residentPopulation: c.resident_population ?? null,
        residentPopulationDate: null,
        regionCode: c.region_code,
        provinceSigla: c.province_sigla,
        altitudeZone: c.altitude_zone ?? null,
        aggregations: [],
      },
      awards: [],
    });
  }
  for (const award of awards) histories.get(award.comune_istat)?.awards.push(award);
  for (const history of histories.values()) history.awards.sort((a, b) => (a.funded_on ?? '').localeCompare(b.funded_on ?? ''));
  return histories;
}

/** The comune as the matcher would have seen it on a day: only funding obtained before that day. */
export function factsAsOf(history: ComuneHistory, day: string): ComuneFacts {
  const awards = history.awards
    .filter((a) => a.funded_on !== null && a.funded_on < day)
    .map((a) => ({ measureCode: a.measure_code, avviso: a.avviso, status: a.status, fundedOn: a.funded_on }));
  return { ...history.facts, awards };
}
