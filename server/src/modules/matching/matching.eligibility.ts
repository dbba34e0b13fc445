import type { CallInput } from '../calls/index.ts';
import { formatLongDate as day, formatNumber, populationOf, type ComuneFacts } from './matching.profile-facts.ts';
import { remembered } from '../../shared/remembered.ts';

export type Verdict = 'eligible' | 'eligible_via_aggregation' | 'not_eligible';
export interface Check {
  rule: 'body_type' | 'aggregation' | 'population' | 'territory' | 'altitude' | 'timing' | 'exclusion' | 'condition';
  outcome: 'pass' | 'fail' | 'via_aggregation' | 'unverifiable';
  message: string;
}
export interface Eligibility {
  verdict: Verdict;
  checks: Check[];
}

/** The call as the matcher reads it. */
export interface CallRules {
  title: string;
  measureCode: string | null;
  eligibility: CallInput['eligibility'];
  windows: { opensAt: string; closesAt: string | null }[];
  remainingBudget: number | null;
}

const AGGREGATE_BODIES: Record<string, string[]> = { unione: ['unione'], comunita_montana: ['comunita_montana'] };
/** Body types that are themselves aggregations of comuni: a comune takes part through one. */
export const AGGREGATE_BODY_TYPES = Object.keys(AGGREGATE_BODIES);
import { BODY_LABELS } from '../calls/index.ts';

export { BODY_LABELS };
export const ASSOCIATED_KINDS = ['unione', 'comunita_montana', 'ufficio_rtd_associato', 'consorzio'];
const fold = remembered((text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim());

const aggregationFor = (types: string[], comune: ComuneFacts) => comune.aggregations.find((a) => types.some((t) => AGGREGATE_BODIES[t]?.includes(a.kind)));

function bodyType(rules: CallRules, comune: ComuneFacts): Check {
  const types = rules.eligibility.bodyTypes;
  if (types.includes('comune')) return { rule: 'body_type', outcome: 'pass', message: 'Il bando è aperto ai comuni.' };
  const through = aggregationFor(types, comune);
  if (through)
    return {
      rule: 'body_type',
      outcome: 'via_aggregation',
      message: `Il bando è per ${types.map((t) => BODY_LABELS[t] ?? t).join(', ')}: il comune può partecipare tramite «${through.name}».`,
    };
  return { rule: 'body_type', outcome: 'fail', message: `Il bando è riservato a: ${types.map((t) => BODY_LABELS[t] ?? t).join(', ')}.` };
}

function aggregation(rules: CallRules, comune: ComuneFacts): Check | null {
  const mode = rules.eligibility.aggregation;
  if (mode === 'required') {
    const member = comune.aggregations.find((a) => ASSOCIATED_KINDS.includes(a.kind));
    return member
      ? { rule: 'aggregation', outcome: 'via_aggregation', message: `Serve candidarsi in forma associata: il comune fa parte di «${member.name}».` }
      : {
          rule: 'aggregation',
          outcome: 'via_aggregation',
          message: 'Serve candidarsi in forma associata: il comune non risulta in un’aggregazione, dovrà costituirne una o aderire a una esistente.',
        };
  }
  return null;
}

function population(rules: CallRules, comune: ComuneFacts): Check | null {
  const limits = rules.eligibility.population;
  if (!limits || (limits.min === undefined && limits.max === undefined)) return null;
  const figure = populationOf(comune, rules.eligibility.populationBasis);
  if (!figure) return { rule: 'population', outcome: 'unverifiable', message: 'Popolazione del comune non nota: verificare i limiti del bando.' };
  const value = `${figure.label}: ${formatNumber(figure.value)}`;
  if (limits.max !== undefined && figure.value > limits.max)
    return { rule: 'population', outcome: 'fail', message: `La popolazione (${value}) supera il limite di ${formatNumber(limits.max)} abitanti.` };
  if (limits.min !== undefined && figure.value < limits.min)
    return { rule: 'population', outcome: 'fail', message: `La popolazione (${value}) è sotto il minimo di ${formatNumber(limits.min)} abitanti.` };
  return { rule: 'population', outcome: 'pass', message: `La popolazione (${value}) rientra nei limiti del bando.` };
}

/** Whether the comune lies in the call's territory; null when the call names none. */
function inTerritory(rules: CallRules, comune: ComuneFacts): boolean | null {
  const area = rules.eligibility.territory;
  if (!area || ![area.regions, area.provinces, area.comuni].some((list) => list && list.length > 0)) return null;
  return Boolean(area.regions?.includes(comune.regionCode) || area.provinces?.includes(comune.provinceSigla) || area.comuni?.includes(comune.istat));
}

function territory(rules: CallRules, comune: ComuneFacts): Check | null {
  const inside = inTerritory(rules, comune);
  if (inside === null) return null;
  return inside
    ? { rule: 'territory', outcome: 'pass', message: 'Il comune è nel territorio del bando.' }
    : { rule: 'territory', outcome: 'fail', message: 'Il comune non è nel territorio a cui il bando è rivolto.' };
}

function altitude(rules: CallRules, comune: ComuneFacts): Check | null {
  const zones = rules.eligibility.altitudeZones;
  if (!zones || zones.length === 0) return null;
  if (comune.altitudeZone === null) return { rule: 'altitude', outcome: 'unverifiable', message: 'Zona altimetrica del comune non nota.' };
  return zones.includes(comune.altitudeZone)
    ? { rule: 'altitude', outcome: 'pass', message: 'La zona altimetrica del comune è tra quelle ammesse.' }
    : { rule: 'altitude', outcome: 'fail', message: 'La zona altimetrica del comune non è tra quelle ammesse dal bando.' };
}

function timing(rules: CallRules, asOf: Date): Check {
  const now = asOf.getTime();
  if (rules.remainingBudget === 0) return { rule: 'timing', outcome: 'fail', message: 'Le risorse del bando sono esaurite.' };
  const open = rules.windows.find((w) => Date.parse(w.opensAt) <= now && (w.closesAt === null || Date.parse(w.closesAt) > now));
  if (open)
    return {
      rule: 'timing',
      outcome: 'pass',
      message: open.closesAt ? `Domande aperte fino al ${day(open.closesAt)}.` : 'Domande aperte fino a esaurimento delle risorse.',
    };
  const next = rules.windows.find((w) => Date.parse(w.opensAt) > now);
  if (next) return { rule: 'timing', outcome: 'pass', message: `Le domande si apriranno il ${day(next.opensAt)}.` };
  const last = rules.windows.at(-1)?.closesAt;
  return { rule: 'timing', outcome: 'fail', message: last ? `Il bando è chiuso dal ${day(last)}.` : 'Il bando è chiuso.' };
}

function exclusions(rules: CallRules, comune: ComuneFacts): Check[] {
  const obtained = comune.awards.filter((a) => a.status !== 'rinuncia');
  return rules.eligibility.exclusions.flatMap((exclusion): Check[] => {
    if (exclusion.kind === 'funded_by_measure') {
      const hit = obtained.find((a) => a.measureCode === exclusion.measureCode || a.measureCode.startsWith(`${exclusion.measureCode}.`));
      return hit
        ? [
            {
              rule: 'exclusion',
              outcome: 'fail',
              message: `Il comune ha già ottenuto un finanziamento della misura ${exclusion.measureCode} («${hit.avviso}»).`,
            },
          ]
        : [];
    }
    if (exclusion.kind === 'funded_by_avviso') {
      const excluded = fold(exclusion.avviso);
      const hit = obtained.find((a) => fold(a.avviso) === excluded);
      return hit ? [{ rule: 'exclusion', outcome: 'fail', message: `Il comune è già stato finanziato dall'avviso «${hit.avviso}».` }] : [];
    }
    const title = fold(rules.title);
    const hit = obtained.find((a) => fold(a.avviso) === title);
    return hit ? [{ rule: 'exclusion', outcome: 'fail', message: 'Il comune è già stato finanziato in una finestra precedente di questo avviso.' }] : [];
  });
}

/**
 * Whether the call is addressed to the comune at all: its territory, and its body types directly or
 * through an aggregation. Matches outside its reach are not stored (a regional call would otherwise
 * leave thousands of rows saying "not your region"); the detail endpoint still explains them.
 */
export function withinReach(rules: CallRules, comune: ComuneFacts): boolean {
  if (inTerritory(rules, comune) === false) return false;
  return rules.eligibility.bodyTypes.includes('comune') || aggregationFor(rules.eligibility.bodyTypes, comune) !== undefined;
}

/** Evaluates a call's structured rules against a comune as of a date, every condition with its reason. */
export function evaluateEligibility(rules: CallRules, comune: ComuneFacts, asOf: Date): Eligibility {
  const checks = [
    bodyType(rules, comune),
    aggregation(rules, comune),
    population(rules, comune),
    territory(rules, comune),
    altitude(rules, comune),
    timing(rules, asOf),
    ...exclusions(rules, comune),
  ].filter((check): check is Check => check !== null);
  for (const condition of rules.eligibility.conditions) checks.push({ rule: 'condition', outcome: 'unverifiable', message: condition });
  const verdict: Verdict = checks.some((c) => c.outcome === 'fail')
    ? 'not_eligible'
    : checks.some((c) => c.outcome === 'via_aggregation')
      ? 'eligible_via_aggregation'
      : 'eligible';
  return { verdict, checks };
}
