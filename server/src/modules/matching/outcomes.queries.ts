import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { sizeClassSql } from '../comuni/index.ts';
import { remembered } from '../../shared/remembered.ts';
import type { PeerShare } from './matching.outcomes.ts';

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
}

const groupKey = (province: string, size: string | null) => `${province}|${size ?? 'n.d.'}`;

/**
 * The applications sent before `now` to the call (matched on its title, as the funding history names the
 * avvisi) and to the other calls of its measure, counted in the database by province and size class.
 */
export async function loadCallOutcomes(db: Kysely<Database>, call: { title: string; measure_code: string | null }, now: Date): Promise<CallOutcomes> {
  const key = avvisoKey(call.title);
  const [registry, applied] = await Promise.all([
    sql<{ province: string; size: string | null; comuni: number }>`
      select province_sigla as province, ${sizeClassSql} as size, count(*)::int as comuni
      from comuni where valid_to is null group by 1, 2`.execute(db),
    sql<{ province: string; size: string | null; call: number; edition: number }>`
      select c.province_sigla as province, ${sizeClassSql} as size,
        count(distinct fa.comune_istat) filter (where ${AVVISO_KEY} = ${key})::int as call,
        count(distinct fa.comune_istat) filter (where ${AVVISO_KEY} <> ${key} and fa.measure_code = ${call.measure_code})::int as edition
      from funding_awards fa join comuni c on c.istat = fa.comune_istat and c.valid_to is null
      where fa.applied_at < ${now} and (${AVVISO_KEY} = ${key} or fa.measure_code = ${call.measure_code})
      group by 1, 2`.execute(db),
  ]);
  const groups = new Map<string, GroupCounts>();
  for (const r of registry.rows) groups.set(groupKey(r.province, r.size), { comuni: r.comuni, call: 0, edition: 0 });
  for (const r of applied.rows) {
    const group = groups.get(groupKey(r.province, r.size));
    if (group) Object.assign(group, { call: r.call, edition: r.edition });
  }
  return { groups };
}

/** The shares of `outcomeSignals` for a comune of a province and size class. */
export function peerShares(outcomes: CallOutcomes, province: string, size: string | null) {
  const sum = (pick: (g: GroupCounts) => number, keep: (k: string) => boolean): PeerShare => {
    let [applied, total] = [0, 0];
    for (const [k, g] of outcomes.groups)
      if (keep(k)) {
        applied += pick(g);
        total += g.comuni;
      }
    return { applied, total };
  };
  const sameSize = (k: string) => k.endsWith(`|${size ?? 'n.d.'}`);
  const same = (k: string) => k === groupKey(province, size);
  return {
    call: {
      all: sum(
        (g) => g.call,
        () => true,
      ),
      size: sum((g) => g.call, sameSize),
      provinceSize: sum((g) => g.call, same),
    },
    edition: { size: sum((g) => g.edition, sameSize), provinceSize: sum((g) => g.edition, same) },
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
