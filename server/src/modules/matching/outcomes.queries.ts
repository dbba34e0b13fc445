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
function summed(groups: Map<string, GroupCounts>, sizes: Map<string, string>): CallOutcomes {
  const all = { comuni: 0, call: 0, edition: 0 };
  const bySize = new Map<string, GroupCounts>();
  for (const [key, g] of groups) {
    const size = sizes.get(key)!;
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

/** How many comuni each province has of each size class: the same for every call, so a rematch reads it once. */
export type ComuniGroups = { province: string; size: string | null; comuni: number }[];

export async function loadComuniGroups(db: Kysely<Database>): Promise<ComuniGroups> {
  const { rows } = await sql<ComuniGroups[number]>`
    select province_sigla as province, ${sizeClassSql} as size, count(*)::int as comuni
    from comuni where valid_to is null group by 1, 2`.execute(db);
  return rows;
}

/**
 * The applications sent before `now` to the call (matched on its title, as the funding history names the
 * avvisi) and to the other calls of its measure, counted in the database by province and size class.
 */
export async function loadCallOutcomes(
  db: Kysely<Database>,
  call: { title: string; measure_code: string | null },
  now: Date,
  /** Given by a rematch, which reads them once for all its calls. */
  groups?: ComuniGroups,
): Promise<CallOutcomes> {
  const key = avvisoKey(call.title);
  const [registry, applied] = await Promise.all([
    groups ?? loadComuniGroups(db),
    // Each comune once (hashed), then counted by group: half the time of counting distinct comuni per
    // group, which sorted the thousands of awards of a measure by province, size class and comune.
    sql<{ province: string; size: string | null; call: number; edition: number }>`
      with applied as (
        select fa.comune_istat,
          bool_or(${AVVISO_KEY} = ${key}) as call,
          bool_or(${AVVISO_KEY} <> ${key} and fa.measure_code = ${call.measure_code}) as edition
        from funding_awards fa
        where fa.applied_at < ${now} and (${AVVISO_KEY} = ${key} or fa.measure_code = ${call.measure_code})
        group by fa.comune_istat)
      select c.province_sigla as province, ${sizeClassSql} as size,
        (count(*) filter (where a.call))::int as call, (count(*) filter (where a.edition))::int as edition
      from applied a join comuni c on c.istat = a.comune_istat and c.valid_to is null
      group by 1, 2`.execute(db),
  ]);
  const counts = new Map<string, GroupCounts>();
  const sizes = new Map<string, string>();
  for (const r of registry) {
    counts.set(groupKey(r.province, r.size), { comuni: r.comuni, call: 0, edition: 0 });
    sizes.set(groupKey(r.province, r.size), sizeOf(r.size));
  }
  for (const r of applied.rows) {
    const group = counts.get(groupKey(r.province, r.size));
    if (group) Object.assign(group, { call: r.call, edition: r.edition });
  }
  return summed(counts, sizes);
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

/**
 * The peers of a comune for each call, computed in the database from the funding history known on `day`
 * (funding decrees before it); null for a call without a measure or without earlier editions in the history.
 */
export async function loadPeers(db: Kysely<Database>, istat: string, calls: { id: string; title: string; measure_code: string | null }[], day: string) {
  const wanted = calls.filter((c) => c.measure_code !== null).map((c) => ({ id: c.id, key: avvisoKey(c.title), measure: c.measure_code }));
  const peers = new Map<string, Peers>();
  if (wanted.length === 0) return peers;
  const { rows } = await sql<{
    id: string;
    province: string;
    province_name: string;
    size: string | null;
    comuni: number;
    funded: number;
    median: number | null;
    editions: string[] | null;
  }>`
    with k as (select * from jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb) as x(id uuid, key text, measure text)),
    me as (select province_sigla, province_name, ${sizeClassSql} as size from comuni where istat = ${istat} and valid_to is null),
    peer as (select c.istat from comuni c join me on me.province_sigla = c.province_sigla
             where c.valid_to is null and ${sizeClassSql} is not distinct from me.size),
    -- The awards of the measures asked for are read once (the editions of each avviso, and the peers'
    -- grants: a province and a size class, a few hundred rows); each call only filters them.
    editions as materialized (select fa.measure_code as measure, ${AVVISO_KEY} as key, fa.avviso, min(fa.funded_on) as first_funded
                 from funding_awards fa where fa.measure_code in (select measure from k) group by 1, 2, 3),
    granted as materialized (select fa.measure_code as measure, ${AVVISO_KEY} as key, fa.comune_istat, fa.amount
                 from funding_awards fa
                 where fa.measure_code in (select measure from k) and fa.comune_istat in (select istat from peer)
                   and fa.status <> 'rinuncia' and fa.funded_on < ${day})
    select k.id, me.province_sigla as province, me.province_name, me.size, (select count(*) from peer)::int as comuni,
      (select count(distinct g.comune_istat) from granted g where g.measure = k.measure and g.key <> k.key)::int as funded,
      (select percentile_cont(0.5) within group (order by g.amount) from granted g where g.measure = k.measure and g.key <> k.key) as median,
      (select array_agg(distinct e.avviso) from editions e where e.measure = k.measure and e.key <> k.key and e.first_funded < ${day}) as editions
    from k join me on true`.execute(db);
  for (const r of rows) {
    if (!r.editions || r.editions.length === 0) continue;
    peers.set(r.id, {
      province: r.province,
      provinceName: r.province_name,
      sizeClass: r.size,
      comuni: r.comuni,
      funded: r.funded,
      share: r.comuni === 0 ? 0 : Math.round((r.funded / r.comuni) * 1000) / 1000,
      medianAmount: r.median === null ? null : Math.round(Number(r.median) * 100) / 100,
      editions: [...r.editions].sort(),
    });
  }
  return peers;
}
