import type { RenderedPage } from '../../plugins/rendered-pages.ts';
import { sql, type Kysely } from 'kysely';
import type { Peers } from './outcomes.queries.ts';
import type { Database } from '../../plugins/db/schema.ts';
import { callStatusAt, nextDeadlineAt } from '../../shared/call-status.ts';
import type { Clock } from '../../shared/clock.ts';
import { callsView, callThemesView, callWindowsView, isDemoSql } from '../calls/index.ts';
import type { NearMiss } from './matching.near-miss.ts';
import type { PopulationFigure } from './matching.profile-facts.ts';

export interface OpportunityFilter {
  verdict?: string[] | undefined;
  minScore?: number | undefined;
  theme?: string | undefined;
  status?: string[] | undefined;
  programme?: string | undefined;
  sort: 'score' | 'deadline' | 'amount';
  limit: number;
  offset: number;
}

/** What the lists show of the published calls among `ids`, by call id; the others are not there. */
export async function loadCallCards(db: Kysely<Database>, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, never>();
  const rows = await db
    .selectFrom(callsView.as('c'))
    .where('c.id', '=', sql<string>`any(${[...ids]}::uuid[])`)
    .where('c.editorial_status', '=', 'published')
    .select(['c.id', 'c.title', 'c.issuer', 'c.programme_kind', 'c.measure_code', 'c.remaining_budget'])
    .select(sql<string[]>`coalesce((select array_agg(t.theme_code order by t.theme_code) from ${callThemesView} t where t.call_id = c.id), '{}')`.as('themes'))
    .select(isDemoSql.as('demo'))
    .select(
      sql<{ opensAt: number; closesAt: number | null }[]>`coalesce((
        select json_agg(json_build_object('opensAt', (extract(epoch from w.opens_at) * 1000)::bigint, 'closesAt', (extract(epoch from w.closes_at) * 1000)::bigint) order by w.number)
          from ${callWindowsView} w where w.call_id = c.id), '[]'::json)`.as('windows'),
    )
    .execute();
  return new Map(rows.map(({ id, ...card }) => [id, card]));
}

export type CallCard = Awaited<ReturnType<typeof loadCallCards>> extends Map<string, infer T> ? T : never;
/** The cards of the calls among `ids`, null for a call not published; shared by every comune's list. */
export type CallCardsFor = (ids: readonly string[]) => Promise<ReadonlyMap<string, CallCard | null>>;

/**
 * A comune's stored matches of published calls, with what the list shows of each call (the same for
 * every comune, so `cardsFor` keeps it instead of joining it again to each comune's thousand matches);
 * status and deadline are worked out when read.
 */
export async function loadComuneMatches(db: Kysely<Database>, istat: string, cardsFor: CallCardsFor = (ids) => loadCallCards(db, ids)) {
  const rows = await db
    .selectFrom('matches as m')
    .where('m.comune_istat', '=', istat)
    .select(['m.call_id', 'm.verdict', 'm.score', 'm.components', 'm.reasons', 'm.amount_min', 'm.amount_max', 'm.amount_basis', 'm.computed_at'])
    .execute();
  const cards = await cardsFor(rows.map((r) => r.call_id));
  const matches = [];
  for (const row of rows) {
    const card = cards.get(row.call_id);
    if (card) matches.push({ ...row, ...card });
  }
  return matches;
}

export type StoredMatch = Awaited<ReturnType<typeof loadComuneMatches>>[number];

const DAY = 86_400_000;
const within = (theme: string, wanted: string) => theme === wanted || theme.startsWith(`${wanted}.`);
const byCallId = (a: StoredMatch, b: StoredMatch) => (a.call_id < b.call_id ? -1 : a.call_id > b.call_id ? 1 : 0);

type Timed = { match: StoredMatch; status: string; deadline: number | null; deadlineIso: string | null };

/**
 * The next instant anything the list shows changes with the clock alone: a window opens or closes, a
 * call enters its last days, or a deadline's days left tick down.
 */
function nextChange(matches: StoredMatch[], now: number, soonDays: number): number {
  let next = Number.POSITIVE_INFINITY;
  const consider = (at: number) => {
    if (at > now && at < next) next = at;
  };
  for (const { windows } of matches) {
    for (const w of windows) {
      consider(w.opensAt);
      if (w.closesAt === null) continue;
      consider(w.closesAt);
      consider(w.closesAt - soonDays * DAY);
      if (w.closesAt > now) consider(w.closesAt - (Math.ceil((w.closesAt - now) / DAY) - 1) * DAY);
    }
  }
  return next;
}

/** A comune's matches as read between two changes of the clock: by score, and the pages already rendered. */
export interface TimedList {
  from: number;
  until: number;
  soonDays: number;
  rows: Timed[];
  /** Response bodies by request URL, valid as long as the list is. */
  rendered: Map<string, RenderedPage>;
}

const timedByList = new WeakMap<StoredMatch[], TimedList>();

/** Status and deadline of each match, by score, worked out once until one of them changes. */
export function timedList(matches: StoredMatch[], clock: Clock): TimedList {
  const now = clock.now.getTime();
  const known = timedByList.get(matches);
  if (known && known.from <= now && now < known.until && known.soonDays === clock.soonDays) return known;
  const rows = matches
    .map((match) => {
      const deadline = nextDeadlineAt(match, now);
      return {
        match,
        status: callStatusAt({ remainingBudget: match.remaining_budget, windows: match.windows }, now, clock.soonDays),
        deadline,
        deadlineIso: deadline === null ? null : new Date(deadline).toISOString(),
      };
    })
    .sort((a, b) => b.match.score - a.match.score || byCallId(a.match, b.match));
  const list = { from: now, until: nextChange(matches, now, clock.soonDays), soonDays: clock.soonDays, rows, rendered: new Map<string, RenderedPage>() };
  timedByList.set(matches, list);
  return list;
}

/** Filters, sorts and pages a comune's matches at the current time. */
export function selectOpportunities(matches: StoredMatch[], filter: OpportunityFilter, clock: Clock) {
  const timed = timedList(matches, clock).rows;
  const unfiltered = !filter.verdict?.length && filter.minScore === undefined && !filter.programme && !filter.status?.length && !filter.theme;
  if (unfiltered && filter.sort === 'score') return { items: timed.slice(filter.offset, filter.offset + filter.limit), total: timed.length };
  const kept = timed.filter(
    ({ match, status }) =>
      (!filter.verdict?.length || filter.verdict.includes(match.verdict)) &&
      (filter.minScore === undefined || match.score >= filter.minScore) &&
      (!filter.programme || match.programme_kind === filter.programme) &&
      (!filter.status?.length || filter.status.includes(status)) &&
      (!filter.theme || match.themes.some((t) => within(t, filter.theme!))),
  );
  const last = Number.POSITIVE_INFINITY;
  if (filter.sort === 'deadline') kept.sort((a, b) => (a.deadline ?? last) - (b.deadline ?? last) || byCallId(a.match, b.match));
  if (filter.sort === 'amount') kept.sort((a, b) => (b.match.amount_max ?? -1) - (a.match.amount_max ?? -1) || byCallId(a.match, b.match));
  return { items: kept.slice(filter.offset, filter.offset + filter.limit), total: kept.length };
}

type Check = { rule: string; outcome: string; message: string };
type Reasons = { fundableItems: { id: string; title: string }[]; similarItems: { id: string; title: string }[]; matchedThemes: string[]; warnings: string[] };

export interface OpportunityView {
  match: Omit<StoredMatch, 'verdict' | 'windows' | 'remaining_budget'> & {
    verdict: string;
    checks?: Check[];
    population?: PopulationFigure | null;
    nearMiss?: NearMiss;
    peers?: Peers | null;
  };
  status: string;
  deadline: number | null;
  deadlineIso?: string | null;
}

/** Days left and the deadline warning depend on the day the list is read, not on when the match was computed. */
/** The instant after `now` at which `toOpportunity`'s days left (and its "Scade tra" warning) change. */
export function daysLeftChangeAt(deadline: number | null, now: number): number {
  if (deadline === null) return Infinity;
  const left = deadline - now;
  return now + left - (Math.ceil(left / DAY) - 1) * DAY;
}

export function toOpportunity({ match, status, deadline, deadlineIso }: OpportunityView, clock: Clock) {
  const daysLeft = deadline === null ? null : Math.ceil((deadline - clock.now.getTime()) / DAY);
  const reasons = match.reasons as Reasons;
  const soon = daysLeft !== null && daysLeft > 0 && daysLeft <= clock.soonDays ? [`Scade tra ${daysLeft} giorni.`] : [];
  return {
    call: {
      id: match.call_id,
      title: match.title,
      issuer: match.issuer,
      programme: match.programme_kind,
      measureCode: match.measure_code,
      themes: match.themes,
      status,
      nextDeadline: deadlineIso !== undefined ? deadlineIso : deadline === null ? null : new Date(deadline).toISOString(),
      demo: match.demo,
    },
    verdict: match.verdict,
    score: match.score,
    components: match.components as Record<string, number>,
    reasons: { ...reasons, amountBasis: match.amount_basis, daysLeft, warnings: [...reasons.warnings, ...soon] },
    amount: match.amount_min === null ? null : { min: match.amount_min, max: match.amount_max!, basis: match.amount_basis ?? '' },
    computedAt: match.computed_at.toISOString(),
    ...(match.checks ? { checks: match.checks } : {}),
    ...(match.population !== undefined ? { population: match.population } : {}),
    ...(match.nearMiss ? { nearMiss: match.nearMiss } : {}),
    ...(match.peers !== undefined ? { peers: match.peers } : {}),
  };
}
