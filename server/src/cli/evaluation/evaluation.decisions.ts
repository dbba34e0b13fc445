import type { AwardRecord } from '../../modules/comuni/index.ts';
import { romeDay } from '../../modules/matching/index.ts';
import { avvisoKey, type CatalogueAvviso, type ComuneHistory } from './evaluation.data.ts';

/** A day on which a comune sent applications: the avvisi open to it that day, and those it chose. */
export interface Decision {
  history: ComuneHistory;
  at: Date;
  day: string;
  candidates: CatalogueAvviso[];
  applied: Set<string>;
}

/**
 * The comuni the ranker never trains on, so that the evaluation judges it on comuni it has not seen:
 * a fixed fifth of the ISTAT codes, by a hash that does not follow province or size.
 */
export function isHeldOut(istat: string): boolean {
  let hash = 2166136261;
  for (const ch of istat) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  return hash % 5 === 0;
}

const openOn = (windows: { opens: number; closes: number }[], at: Date) => windows.some((w) => w.opens <= at.getTime() && w.closes > at.getTime());

/**
 * Every (comune, day) with at least one application to an avviso of the catalogue: the candidates are the
 * avvisi open that day less those the comune had applied to on an earlier day.
 */
export function decisionsOf(applications: { award: AwardRecord; history: ComuneHistory }[], catalogue: CatalogueAvviso[]): Decision[] {
  const byKey = new Map(catalogue.map((a) => [a.key, a]));
  const windows = new Map(
    catalogue.map((a) => [
      a.key,
      a.rules.windows.map((w) => ({ opens: Date.parse(w.opensAt), closes: w.closesAt === null ? Infinity : Date.parse(w.closesAt) })),
    ]),
  );
  const days = new Map<string, { history: ComuneHistory; at: Date; day: string; applied: Set<string> }>();
  const earlier = new Map<string, { key: string; day: string }[]>();
  for (const { award, history } of applications) {
    const avviso = byKey.get(avvisoKey(award.avviso));
    if (!avviso || !award.applied_at) continue;
    const day = romeDay(award.applied_at);
    const id = `${history.facts.istat}\u0000${day}`;
    const decision = days.get(id) ?? { history, at: award.applied_at, day, applied: new Set<string>() };
    if (award.applied_at < decision.at) decision.at = award.applied_at;
    decision.applied.add(avviso.key);
    days.set(id, decision);
    if (!earlier.has(history.facts.istat)) earlier.set(history.facts.istat, []);
    earlier.get(history.facts.istat)!.push({ key: avviso.key, day });
  }
  const decisions: Decision[] = [];
  for (const d of days.values()) {
    const before = new Set((earlier.get(d.history.facts.istat) ?? []).filter((a) => a.day < d.day).map((a) => a.key));
    const candidates = catalogue.filter((a) => openOn(windows.get(a.key)!, d.at) && !before.has(a.key));
    if (candidates.some((a) => d.applied.has(a.key))) decisions.push({ ...d, candidates });
  }
  return decisions;
}
