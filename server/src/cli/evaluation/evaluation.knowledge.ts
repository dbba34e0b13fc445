import { romeDay, sizeClassOf, type OutcomeSignals, type PeerShare } from '../../modules/matching/index.ts';
import { avvisoKey, type CatalogueAvviso, type ComuneHistory } from './evaluation.data.ts';

/** Sorted days on which each comune of a group first applied. */
type DaysByGroup = Map<string, string[]>;

const sizeOf = (h: ComuneHistory) => sizeClassOf(h.facts.legalPopulation) ?? 'n.d.';
const groupsByHistory = new WeakMap<ComuneHistory, readonly [string, string, string]>();
/** All Italy, the size class, the province and size class: computed once per comune, read hundreds of thousands of times. */
function groupsOf(h: ComuneHistory): readonly [string, string, string] {
  let groups = groupsByHistory.get(h);
  if (!groups) groupsByHistory.set(h, (groups = ['all', `s:${sizeOf(h)}`, `ps:${h.facts.provinceSigla}|${sizeOf(h)}`]));
  return groups;
}

/** How many of the sorted days fall before `day`. */
function countBefore(days: string[] | undefined, day: string): number {
  if (!days) return 0;
  let [lo, hi] = [0, days.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid]! < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function byGroup(firstDays: Map<string, string>, histories: Map<string, ComuneHistory>): DaysByGroup {
  const groups: DaysByGroup = new Map();
  for (const [istat, day] of firstDays) {
    const history = histories.get(istat);
    if (!history) continue;
    for (const g of groupsOf(history)) {
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push(day);
    }
  }
  for (const days of groups.values()) days.sort();
  return groups;
}

const keepFirst = (map: Map<string, string>, istat: string, day: string) => {
  const seen = map.get(istat);
  if (seen === undefined || day < seen) map.set(istat, day);
};

/**
 * What the funding history tells on any day, for the baselines, the training and the evaluation: who had
 * applied to each avviso and to earlier editions of its measure before that day. Nothing after the day is read.
 */
export class HistoryKnowledge {
  private readonly groupSizes = new Map<string, number>();
  private readonly callDays = new Map<string, DaysByGroup>();
  private readonly editionDays = new Map<string, DaysByGroup>();

  constructor(catalogue: CatalogueAvviso[], histories: Map<string, ComuneHistory>) {
    for (const h of histories.values()) for (const g of groupsOf(h)) this.groupSizes.set(g, (this.groupSizes.get(g) ?? 0) + 1);
    const firstByAvviso = new Map<string, Map<string, string>>();
    const measureOf = new Map<string, string>();
    for (const h of histories.values())
      for (const award of h.awards) {
        if (!award.applied_at) continue;
        const key = avvisoKey(award.avviso);
        measureOf.set(key, award.measure_code);
        if (!firstByAvviso.has(key)) firstByAvviso.set(key, new Map());
        keepFirst(firstByAvviso.get(key)!, h.facts.istat, romeDay(award.applied_at));
      }
    for (const avviso of catalogue) {
      this.callDays.set(avviso.key, byGroup(firstByAvviso.get(avviso.key) ?? new Map(), histories));
      const editions = new Map<string, string>();
      for (const [key, first] of firstByAvviso)
        if (key !== avviso.key && measureOf.get(key) === avviso.rules.measureCode) for (const [istat, day] of first) keepFirst(editions, istat, day);
      this.editionDays.set(avviso.key, byGroup(editions, histories));
    }
  }

  private share(days: DaysByGroup | undefined, group: string, day: string): PeerShare {
    return { applied: countBefore(days?.get(group), day), total: this.groupSizes.get(group) ?? 0 };
  }

  /** Comuni of all Italy that had applied to the avviso before the day. */
  appliedBefore(avviso: CatalogueAvviso, day: string): number {
    return countBefore(this.callDays.get(avviso.key)?.get('all'), day);
  }

  /** Of the comuni in the history's group, how many had applied to the avviso before the day. */
  peerShare(avviso: CatalogueAvviso, history: ComuneHistory, group: 'size' | 'provinceSize', day: string): PeerShare {
    const [, size, provinceSize] = groupsOf(history);
    return this.share(this.callDays.get(avviso.key), group === 'size' ? size : provinceSize, day);
  }

  /** Of the comuni of the history's province and size class, how many had applied to the avviso or to an earlier edition before the day. */
  provinceSizeApplied(avviso: CatalogueAvviso, history: ComuneHistory, day: string): number {
    const group = groupsOf(history)[2];
    return countBefore(this.callDays.get(avviso.key)?.get(group), day) + countBefore(this.editionDays.get(avviso.key)?.get(group), day);
  }

  /** The outcome signals of a comune and an avviso on a day; `amount` is the comune's most likely amount. */
  signals(avviso: CatalogueAvviso, history: ComuneHistory, at: Date, amount: number | null): OutcomeSignals {
    const day = romeDay(at);
    const [all, size, provinceSize] = groupsOf(history);
    const calls = this.callDays.get(avviso.key);
    const editions = this.editionDays.get(avviso.key);
    const funded = history.awards.filter((a) => a.funded_on !== null && a.funded_on < day && a.status !== 'rinuncia');
    const opens = avviso.rules.windows.map((w) => Date.parse(w.opensAt));
    const closes = avviso.rules.windows.map((w) => (w.closesAt ? Date.parse(w.closesAt) : Infinity)).find((t) => t > at.getTime());
    return {
      call: { all: this.share(calls, all, day), size: this.share(calls, size, day), provinceSize: this.share(calls, provinceSize, day) },
      edition: { size: this.share(editions, size, day), provinceSize: this.share(editions, provinceSize, day) },
      ownEdition: funded.some((a) => a.measure_code === avviso.rules.measureCode && avvisoKey(a.avviso) !== avviso.key),
      fundedMeasures: new Set(funded.map((a) => a.measure_code)).size,
      legalPopulation: history.facts.legalPopulation,
      altitudeZone: history.facts.altitudeZone,
      daysOpen: Math.floor((at.getTime() - Math.min(...opens)) / 86_400_000),
      daysLeft: closes === undefined || closes === Infinity ? null : Math.ceil((closes - at.getTime()) / 86_400_000),
      amount,
      themes: avviso.themes,
    };
  }
}
