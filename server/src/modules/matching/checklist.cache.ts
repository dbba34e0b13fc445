import type { FastifyInstance } from 'fastify';
import { NotifiedCache } from '../../plugins/db/notified-cache.ts';
import { statusChangesAt } from '../../shared/call-status.ts';
import type { Clock } from '../../shared/clock.ts';
import type { RenderedPage } from '../../plugins/rendered-pages.ts';
import { CALL_WRITES, PUBLISHED_CALLS_CHANGED_CHANNEL } from '../calls/index.ts';
import { romeDay } from './matching.profile-facts.ts';
import { computeOpportunity } from './matching.service.ts';

/** A checklist is a few kilobytes: a few thousand of them, the ones being read. */
const MAX_CHECKLISTS = 5000;

export type ChecklistView = NonNullable<Awaited<ReturnType<typeof computeOpportunity>>>;

interface KeptChecklist {
  view: ChecklistView;
  /** Its answers as sent, by URL (the RTD's and the public page's). */
  rendered: Map<string, RenderedPage>;
  computedAt: number;
  /** The first instant the call's status or next deadline changes; null: never. */
  changesAt: number | null;
  /** Memberships and peers are read for a day (UTC and Rome): a new day computes them again. */
  days: string;
}

const daysOf = (now: Date) => `${now.toISOString().slice(0, 10)} ${romeDay(now)}`;
const keyOf = (istat: string, callId: string) => `${istat}:${callId}`;

/**
 * A call's checklist for a comune (every condition with its outcome, the amount, the peers), kept in
 * memory: computing one reads the comune's profile, plan and funding history and stems the call's
 * text, about 8 ms of CPU. Dropped when the call changes (any published call, `*`), when the comune's
 * profile, plan or memberships change (the profile cache's notifications, followed), and kept only
 * until the clock changes its status, deadline or day.
 */
export function registerChecklistCache(app: FastifyInstance): void {
  const clock = () => app.clock();
  // Any published call's change (`*`): any call can be any checklist's.
  const cache = new NotifiedCache<KeptChecklist>(
    PUBLISHED_CALLS_CHANGED_CHANNEL,
    async (key) => {
      const [istat, callId] = key.split(':') as [string, string];
      const now = clock();
      const view = await computeOpportunity(app.db, istat, callId, now, app.fundingHistory);
      return view ? kept(view, now) : undefined;
    },
    MAX_CHECKLISTS,
    undefined,
    {
      dependsOn: (key) => [key.slice(0, key.indexOf(':'))],
      holds: (kept) => {
        const now = clock().now;
        return now.getTime() >= kept.computedAt && (kept.changesAt === null || now.getTime() < kept.changesAt) && daysOf(now) === kept.days;
      },
    },
  )
    .attach(app)
    // Whoever published a call or imported a funding history sees it on their next click.
    .dropOnWrites(app, CALL_WRITES)
    .dropOnWrites(app, /^\/api\/v1\/imports(\/|\?|$)/);
  // A profile, plan, membership or funding-history change: notified on `comuni_changed`, and dropped
  // at once by the process that wrote it.
  app.profileCache.alsoInvalidates((istat) => cache.invalidate(istat));
  const checklists: ChecklistCache = {
    get: async (istat, callId) => {
      const kept = await cache.get(keyOf(istat, callId));
      return kept ? { view: kept.view, rendered: kept.rendered } : null;
    },
  };
  app.decorate('checklistCache', checklists);
}

export interface ChecklistCache {
  /** Null when the call is not published or the comune does not exist. */
  get(istat: string, callId: string): Promise<{ view: ChecklistView; rendered: Map<string, RenderedPage> } | null>;
}

function kept(view: ChecklistView, clock: Clock): KeptChecklist {
  const now = clock.now.getTime();
  const windows = view.windows.map((w) => ({ opensAt: Date.parse(w.opensAt), closesAt: w.closesAt === null ? null : Date.parse(w.closesAt) }));
  return { view, rendered: new Map(), computedAt: now, changesAt: statusChangesAt({ windows }, now, clock.soonDays), days: daysOf(clock.now) };
}
