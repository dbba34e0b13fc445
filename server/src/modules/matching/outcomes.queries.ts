import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { sizeClassSql } from '../comuni/index.ts';
import { remembered } from '../../shared/remembered.ts';

/**
 * Avvisi are named differently across snapshots only by case and spacing: an award's avviso is stored
 * folded as `avvisoKey` folds a title (column `avviso_key`, indexed, migration 1010).
 */
const AVVISO_KEY = sql<string>`fa.avviso_key`;
export const avvisoKey = remembered((title: string) => title.toLowerCase().replace(/\s+/g, ' ').trim());

interface GroupCounts {
  comuni: number;
  call: number;
  edition: number;
}

/** Who applied to a call's earlier windows and to earlier editions of its measure, by province and size class. */
export interface CallOutcomes {
  groups: Map<string, GroupCounts>;
  /** The groups summed once for every comune matched against the call: all of them, and by size class. */
  all: GroupCounts;
  bySize: Map<string, GroupCounts>;
}

const groupKey = (province: string, size: string | null) => `${province}|${size ?? 'n.d.'}`;
const NO_GROUP: GroupCounts = { comuni: 0, call: 0, edition: 0 };
const sizeOf = (size: string | null) => size ?? 'n.d.';

/** Adds the counts of every group, overall and by size class (a full rematch asks for them millions of times). */
function summed(groups: Map<string, GroupCounts>): CallOutcomes {
  const all = { comuni: 0, call: 0, edition: 0 };
  const bySize = new Map<string, GroupCounts>();
  for (const [key, g] of groups) {
    const size = key.slice(key.indexOf('|') + 1);
    const total = bySize.get(size) ?? { comuni: 0, call: 0, edition: 0 };
    bySize.set(size, total);
    for (const sum of [all, total]) {
      sum.comuni += g.comuni;
      sum.call += g.call;
      sum.edition += g.edition;
    }
  }
  return { groups, all, bySize };
}

/** A comune's first application to one avviso (`key`), with the province and size class of the comune. */
export interface AppliedAvviso {
  istat: string;
  group: string;
  key: string;
  /** Epoch ms of the first application; null when the history does not say. */
  appliedAt: number | null;
}

/** An avviso of a measure and when its first grant was decreed. */
export interface Edition {
  measure: string;
  key: string;
  avviso: string;
  firstFunded: string | null;
}

/**
 * What matching reads of the funding history that is the same for every comune: it changes only with
 * an import (or the registry of comuni), so the app keeps it in memory (`outcomes.cache.ts`) and a
 * rematch reads each measure once (`fundingHistory`).
 */
export interface FundingHistory {
  /** Comuni in force by province and size class (`groupKey`). */
  registry(): Promise<Map<string, number>>;
  /** Applications to the avvisi of a measure, one per comune and avviso. */
  measureApplications(measure: string): Promise<AppliedAvviso[]>;
  /** Applications to one avviso (a call's earlier windows), one per comune. */
  avvisoApplications(key: string): Promise<AppliedAvviso[]>;
  /** The avvisi (editions) of a measure. */
  editions(measure: string): Promise<Edition[]>;
}

export const fundingHistoryQueries = {
  async registry(db: Kysely<Database>): Promise<Map<string, number>> {
    const { rows } = await sql<{ province: string; size: string | null; comuni: number }>`
      select province_sigla as province, ${sizeClassSql} as size, count(*)::int as comuni
      from comuni where valid_to is null group by 1, 2`.execute(db);
    return new Map(rows.map((r) => [groupKey(r.province, r.size), r.comuni]));
  },
  async applications(db: Kysely<Database>, where: { measure: string } | { key: string }): Promise<AppliedAvviso[]> {
    const filter = 'measure' in where ? sql`fa.measure_code = ${where.measure}` : sql`${AVVISO_KEY} = ${where.key}`;
    const { rows } = await sql<{ istat: string; province: string; size: string | null; key: string; applied_at: Date | null }>`
      select fa.comune_istat as istat, c.province_sigla as province, ${sizeClassSql} as size, ${AVVISO_KEY} as key, min(fa.applied_at) as applied_at
      from funding_awards fa join comuni c on c.istat = fa.comune_istat and c.valid_to is null
      where ${filter} group by 1, 2, 3, 4`.execute(db);
    return rows.map((r) => ({ istat: r.istat, group: groupKey(r.province, r.size), key: r.key, appliedAt: r.applied_at?.getTime() ?? null }));
  },
  async editions(db: Kysely<Database>, measure: string): Promise<Edition[]> {
    const { rows } = await sql<{ key: string; avviso: string; first_funded: string | null }>`
      select ${AVVISO_KEY} as key, fa.avviso, min(fa.funded_on)::text as first_funded
      from funding_awards fa where fa.measure_code = ${measure} group by 1, 2`.execute(db);
    return rows.map((r) => ({ measure, key: r.key, avviso: r.avviso, firstFunded: r.first_funded }));
  },
};

/** The funding history read from `db`, each part once (a rematch reads every call of a measure). */
export function fundingHistory(db: Kysely<Database>): FundingHistory {
  const read = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    if (!read.has(key)) read.set(key, load());
    return read.get(key) as Promise<T>;
  };
  return {
    registry: () => once('registry', () => fundingHistoryQueries.registry(db)),
    measureApplications: (measure) => once(`measure:${measure}`, () => fundingHistoryQueries.applications(db, { measure })),
    avvisoApplications: (key) => once(`avviso:${key}`, () => fundingHistoryQueries.applications(db, { key })),
    editions: (measure) => once(`editions:${measure}`, () => fundingHistoryQueries.editions(db, measure)),
  };
}

/** Comuni by group of one list of applications, per avviso left out ('' when none of the list's is). */
interface Tally {
  /** The latest application: past it, the counts no longer depend on the clock. */
  latest: number;
  keys: Set<string>;
  counts: Map<string, Map<string, number>>;
}
const tallies = new WeakMap<AppliedAvviso[], Tally>();

/**
 * How many distinct comuni of each group applied before `now` to an avviso other than `except`. The
 * lists come from memory and hold thousands of applications: once `now` is past the latest, the
 * answer is kept with the list, shared by every call whose own avviso the list does not name.
 */
function comuniByGroup(applications: AppliedAvviso[], now: number, except: string | null = null): Map<string, number> {
  const count = () => {
    const seen = new Map<string, Set<string>>();
    for (const a of applications) {
      if (a.appliedAt === null || a.appliedAt >= now || a.key === except) continue;
      const comuni = seen.get(a.group) ?? new Set<string>();
      comuni.add(a.istat);
      seen.set(a.group, comuni);
    }
    return new Map([...seen].map(([group, comuni]) => [group, comuni.size]));
  };
  let tally = tallies.get(applications);
  if (!tally) {
    const latest = applications.reduce((max, a) => (a.appliedAt !== null && a.appliedAt > max ? a.appliedAt : max), Number.NEGATIVE_INFINITY);
    tally = { latest, keys: new Set(applications.map((a) => a.key)), counts: new Map() };
    tallies.set(applications, tally);
  }
  if (now <= tally.latest) return count();
  const shared = except !== null && tally.keys.has(except) ? except : '';
  let counts = tally.counts.get(shared);
  if (!counts) tally.counts.set(shared, (counts = count()));
  return counts;
}

/**
 * The applications sent before `now` to the call (matched on its title, as the funding history names the
 * avvisi) and to the other calls of its measure, counted by province and size class.
 */
export async function loadCallOutcomes(history: FundingHistory, call: { title: string; measure_code: string | null }, now: Date): Promise<CallOutcomes> {
  const key = avvisoKey(call.title);
  const at = now.getTime();
  const [registry, toCall, toMeasure] = await Promise.all([
    history.registry(),
    history.avvisoApplications(key),
    call.measure_code === null ? [] : history.measureApplications(call.measure_code),
  ]);
  const callCounts = comuniByGroup(toCall, at);
  const editionCounts = comuniByGroup(toMeasure, at, key);
  const groups = new Map<string, GroupCounts>();
  for (const [group, comuni] of registry) groups.set(group, { comuni, call: callCounts.get(group) ?? 0, edition: editionCounts.get(group) ?? 0 });
  return summed(groups);
}

/** The shares of `outcomeSignals` for a comune of a province and size class (sums made once per call, in `summed`). */
export function peerShares(outcomes: CallOutcomes, province: string, size: string | null) {
  const { all } = outcomes;
  const sameSize = outcomes.bySize.get(sizeOf(size)) ?? NO_GROUP;
  const same = outcomes.groups.get(groupKey(province, size)) ?? NO_GROUP;
  return {
    call: {
      all: { applied: all.call, total: all.comuni },
      size: { applied: sameSize.call, total: sameSize.comuni },
      provinceSize: { applied: same.call, total: same.comuni },
    },
    edition: { size: { applied: sameSize.edition, total: sameSize.comuni }, provinceSize: { applied: same.edition, total: same.comuni } },
  };
}

/** "Comuni come il tuo": of the comuni of the same province and size class, those funded by earlier editions. */
export interface Peers {
  province: string;
  /** The province's name, for the sentence users read ("della provincia di Cremona"). */
  provinceName: string;
  sizeClass: string | null;
  comuni: number;
  funded: number;
  share: number;
  medianAmount: number | null;
  /** The earlier editions (avvisi of the same measure) they were funded by, oldest first. */
  editions: string[];
}

/** PostgreSQL's percentile_cont(0.5): the middle value, or the mean of the two middle ones. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) / 2;
  const [low, high] = [sorted[Math.floor(at)]!, sorted[Math.ceil(at)]!];
  return low + (high - low) * (at - Math.floor(at));
}

interface PeerGroup {
  province: string;
  province_name: string;
  size: string | null;
  comuni: number;
  grants: { measure: string; key: string; istat: string; amount: number }[];
}

/** The peers for one call: its measure's editions and grants but those of its own avviso. */
function peersFor(me: PeerGroup, editions: Edition[], call: { key: string; measure: string }): Peers | null {
  const earlier = editions.filter((e) => e.measure === call.measure && e.key !== call.key).map((e) => e.avviso);
  if (earlier.length === 0) return null;
  const grants = me.grants.filter((g) => g.measure === call.measure && g.key !== call.key);
  const funded = new Set(grants.map((g) => g.istat)).size;
  const middle = median(grants.map((g) => Number(g.amount)));
  return {
    province: me.province,
    provinceName: me.province_name,
    sizeClass: me.size,
    comuni: me.comuni,
    funded,
    share: me.comuni === 0 ? 0 : Math.round((funded / me.comuni) * 1000) / 1000,
    medianAmount: middle === null ? null : Math.round(middle * 100) / 100,
    editions: [...new Set(earlier)].sort(),
  };
}

/**
 * The peers of a comune for each call, from the funding history known on `day` (funding decrees before
 * it); null for a call without a measure or without earlier editions in the history. The database gives
 * the comune's province and size class and its peers' grants (a few hundred rows); each call only
 * filters them, here: hundreds of calls share a measure, and per-call subqueries cost 0.3 ms each.
 */
export async function loadPeers(
  db: Kysely<Database>,
  history: FundingHistory,
  istat: string,
  calls: { id: string; title: string; measure_code: string | null }[],
  day: string,
) {
  const wanted = calls.filter((c) => c.measure_code !== null).map((c) => ({ id: c.id, key: avvisoKey(c.title), measure: c.measure_code! }));
  const peers = new Map<string, Peers>();
  if (wanted.length === 0) return peers;
  const measures = [...new Set(wanted.map((c) => c.measure))];
  const [editions, { rows }] = await Promise.all([
    Promise.all(measures.map((m) => history.editions(m))).then((all) => all.flat().filter((e) => e.firstFunded !== null && e.firstFunded < day)),
    sql<PeerGroup>`
      with me as (select province_sigla, province_name, ${sizeClassSql} as size from comuni where istat = ${istat} and valid_to is null),
      peer as (select c.istat from comuni c join me on me.province_sigla = c.province_sigla
               where c.valid_to is null and ${sizeClassSql} is not distinct from me.size)
      select me.province_sigla as province, me.province_name, me.size, (select count(*) from peer)::int as comuni,
        coalesce((select json_agg(json_build_object('measure', fa.measure_code, 'key', ${AVVISO_KEY}, 'istat', fa.comune_istat, 'amount', fa.amount))
           from funding_awards fa
          where fa.measure_code in (${sql.join(measures)}) and fa.comune_istat in (select istat from peer)
            and fa.status <> 'rinuncia' and fa.funded_on < ${day}), '[]') as grants
      from me`.execute(db),
  ]);
  const me = rows[0];
  if (!me) return peers;
  // Calls of one measure whose own avviso is neither an edition nor granted share one answer.
  const named = new Set([...editions, ...me.grants].map((e) => `${e.measure}|${e.key}`));
  const byMeasure = new Map<string, Peers | null>();
  for (const call of wanted) {
    const shared = named.has(`${call.measure}|${call.key}`) ? `${call.measure}|${call.key}` : call.measure;
    if (!byMeasure.has(shared)) byMeasure.set(shared, peersFor(me, editions, call));
    const found = byMeasure.get(shared);
    if (found) peers.set(call.id, found);
  }
  return peers;
}
