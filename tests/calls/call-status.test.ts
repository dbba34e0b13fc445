import { sql, type Kysely } from 'kysely';
import type { Database } from '../../server/src/plugins/db/schema.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCall, findCall } from '../../server/src/modules/calls/index.ts';
import { listCalls } from '../../server/src/modules/calls/calls.queries.ts';
import { loadCallDocuments } from '../../server/src/modules/search/search.documents.ts';
import type { CallDocument } from '../../server/src/plugins/search/engine.ts';
import { toMeiliDocument } from '../../server/src/plugins/search/meilisearch-documents.ts';
import { createPostgresEngine } from '../../server/src/plugins/search/postgres-engine.ts';
import {
  callStatusAt,
  callStatusSql,
  nextDeadlineAt,
  nextDeadlineSql,
  type CallStatus,
  type CallStatusSource,
  type TimeWindow,
} from '../../server/src/shared/call-status.ts';
import { callInput } from '../helpers/calls.ts';
import { useTestDatabase } from '../helpers/database.ts';

const DAY = 86_400_000;
const SOON_DAYS = 14;
// Whole seconds, so that timestamps survive PostgreSQL and JSON unchanged.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const clock = { now: new Date(NOW), soonDays: SOON_DAYS };
/** A window in days from now; `null` closing: open until funds run out. */
const w = (opens: number, closes: number | null): TimeWindow => ({ opensAt: NOW + opens * DAY, closesAt: closes === null ? null : NOW + closes * DAY });

interface Case {
  name: string;
  windows: TimeWindow[];
  remainingBudget?: number | null;
  status: CallStatus;
  /** Days from now; null: no deadline. */
  deadline: number | null;
  /** Windows the catalogue refuses (they overlap), so only the rule's forms and the engines see them. */
  overlapping?: true;
}

/** The rule of the call status, case by case: every form of it must give these answers. */
const CASES: Case[] = [
  { name: 'open, closing after the soon days', windows: [w(-10, 30)], status: 'aperto', deadline: 30 },
  { name: 'open, closing within the soon days', windows: [w(-10, 5)], status: 'in_scadenza', deadline: 5 },
  { name: 'closing exactly at the end of the soon days', windows: [w(-10, SOON_DAYS)], status: 'in_scadenza', deadline: SOON_DAYS },
  { name: 'opening in three days', windows: [w(3, 40)], status: 'in_arrivo', deadline: 40 },
  { name: 'opening right now', windows: [w(0, 40)], status: 'aperto', deadline: 40 },
  { name: 'closing right now', windows: [w(-10, 0)], status: 'chiuso', deadline: 0 },
  { name: 'closed ten days ago', windows: [w(-40, -10)], status: 'chiuso', deadline: -10 },
  { name: 'funds exhausted while open', windows: [w(-10, 30)], remainingBudget: 0, status: 'esaurito', deadline: 30 },
  { name: 'funds exhausted after closing', windows: [w(-40, -10)], remainingBudget: 0, status: 'esaurito', deadline: -10 },
  { name: 'funds left', windows: [w(-10, 30)], remainingBudget: 1000, status: 'aperto', deadline: 30 },
  { name: 'open until funds run out', windows: [w(-10, null)], status: 'aperto', deadline: null },
  { name: 'open-ended, opening later', windows: [w(5, null)], status: 'in_arrivo', deadline: null },
  { name: 'no windows at all', windows: [], status: 'chiuso', deadline: null },
  { name: 'several windows, the second open: its closing is next', windows: [w(-40, -20), w(-5, 20), w(40, 70)], status: 'aperto', deadline: 20 },
  { name: 'several windows, between two: upcoming', windows: [w(-40, -20), w(10, 50)], status: 'in_arrivo', deadline: 50 },
  { name: 'two open windows, one closing soon', windows: [w(-5, 60), w(-10, 5)], status: 'in_scadenza', deadline: 5, overlapping: true },
  { name: 'several windows, all closed: the last closing', windows: [w(-60, -30), w(-20, -5)], status: 'chiuso', deadline: -5 },
  { name: 'closed, then open-ended later', windows: [w(-40, -20), w(10, null)], status: 'in_arrivo', deadline: null },
  { name: 'open-ended and a closing window ahead', windows: [w(-10, null), w(-5, 30)], status: 'aperto', deadline: 30, overlapping: true },
];

const expectedDeadline = (c: Case) => (c.deadline === null ? null : NOW + c.deadline * DAY);
const ctx = useTestDatabase();

describe('the call status, one table of cases', () => {
  it.each(CASES)('TypeScript (matching, Meilisearch documents): $name', (c) => {
    const call = { remainingBudget: c.remainingBudget ?? null, windows: c.windows };
    expect(callStatusAt(call, NOW, SOON_DAYS)).toBe(c.status);
    expect(nextDeadlineAt(call, NOW)).toBe(expectedDeadline(c));
    const stored = toMeiliDocument({ ...document(c), windows: c.windows }, NOW, SOON_DAYS);
    expect(stored.status).toBe(c.status);
    expect(stored.nextDeadline ?? null).toBe(expectedDeadline(c));
  });

  it('SQL on PostgreSQL, over timestamps and over epoch milliseconds, with and without stored bounds', async () => {
    const answers = [];
    for (const c of CASES) {
      for (const unit of ['timestamptz', 'ms'] as const) {
        for (const withBounds of [false, true]) {
          const value = (ms: number | null) => (ms === null ? sql`null` : unit === 'ms' ? sql`${ms}::bigint` : sql`${new Date(ms)}::timestamptz`);
          const rows = c.windows.length ? sql.join(c.windows.map((x) => sql`(${value(x.opensAt)}, ${value(x.closesAt)})`)) : sql`(${value(0)}, ${value(0)})`;
          const closes = c.windows.some((x) => x.closesAt === null) || c.windows.length === 0 ? null : Math.max(...c.windows.map((x) => x.closesAt!));
          const source: CallStatusSource = {
            remainingBudget: sql`${c.remainingBudget ?? null}::numeric`,
            windows: sql`(select * from (values ${rows}) as v(opens, closes) where ${c.windows.length > 0}) as w`,
            ...(withBounds ? { bounds: { opens: value(c.windows.length ? Math.min(...c.windows.map((x) => x.opensAt)) : null), closes: value(closes) } } : {}),
          };
          const now = unit === 'ms' ? NOW : new Date(NOW);
          const { rows: found } = await sql<{ status: string; deadline: unknown }>`select ${callStatusSql(source, now, SOON_DAYS)} as status,
            ${nextDeadlineSql(source, now)} as deadline`.execute(ctx.db);
          const deadline = found[0]!.deadline;
          answers.push({
            name: `${c.name} (${unit}${withBounds ? ', bounds' : ''})`,
            status: found[0]!.status,
            deadline: deadline === null ? null : deadline instanceof Date ? deadline.getTime() : Number(deadline),
          });
        }
      }
    }
    const expected = CASES.flatMap((c) =>
      ['timestamptz', 'ms'].flatMap((unit) =>
        [false, true].map((withBounds) => ({ name: `${c.name} (${unit}${withBounds ? ', bounds' : ''})`, status: c.status, deadline: expectedDeadline(c) })),
      ),
    );
    expect(answers).toEqual(expected);
  });

  describe('through the catalogue and the PostgreSQL search engine', () => {
    const ids = new Map<string, Case>();
    beforeAll(async () => {
      await ctx.db.transaction().execute(async (trx) => {
        for (const c of CASES) {
          // The catalogue refuses these windows (ingested data could hold them): written directly.
          const direct = c.windows.length === 0 || c.overlapping;
          const windows = direct ? [w(-1, 1)] : c.windows;
          const input = callInput({
            title: c.name,
            windows: windows.map((x) => ({
              opensAt: new Date(x.opensAt).toISOString(),
              closesAt: x.closesAt === null ? null : new Date(x.closesAt).toISOString(),
            })),
            procedure: windows.length > 1 ? 'finestre' : 'sportello',
            money: { ...callInput().money, remainingBudget: c.remainingBudget ?? null },
          });
          const id = await createCall(trx, { request: null, userId: null }, input, clock, { status: 'published' });
          if (direct) await writeWindows(trx, id, c.windows);
          ids.set(id, c);
        }
      });
    });

    it('each call row has the status and next deadline of its case, and the status filter finds it', async () => {
      for (const [id, c] of ids) {
        const row = await findCall(ctx.db, id, clock);
        expect({ name: c.name, status: row?.status, deadline: row?.next_deadline?.getTime() ?? null }).toEqual({
          name: c.name,
          status: c.status,
          deadline: expectedDeadline(c),
        });
        const listed = await listCalls(ctx.db, { status: [c.status], sort: 'deadline', limit: 100, offset: 0 }, clock);
        expect(
          listed.items.map((i) => i.id),
          c.name,
        ).toContain(id);
      }
    });

    it('each search document has them too, in filters and facets', async () => {
      const engine = createPostgresEngine(ctx.db);
      await engine.index(await loadCallDocuments(ctx.db, [...ids.keys()]));
      const cases = ids;
      const search = (status?: string[]) =>
        engine.search({
          editorialStatus: ['published'],
          facets: ['status'],
          sort: 'relevance',
          limit: 100,
          offset: 0,
          now: clock.now,
          soonDays: SOON_DAYS,
          status,
        });
      const all = await search();
      expect(all.total).toBe(cases.size);
      for (const item of all.items) {
        const c = cases.get(item.id)!;
        expect({ name: c.name, status: item.status, deadline: item.nextDeadline === null ? null : Date.parse(item.nextDeadline) }).toEqual({
          name: c.name,
          status: c.status,
          deadline: expectedDeadline(c),
        });
      }
      const counts: Record<string, number> = {};
      for (const c of cases.values()) counts[c.status] = (counts[c.status] ?? 0) + 1;
      expect(all.facets.status).toEqual(counts);
      for (const status of Object.keys(counts)) {
        const found = await search([status]);
        expect(found.items.map((i) => cases.get(i.id)!.name).sort(), status).toEqual(
          [...cases.values()]
            .filter((c) => c.status === status)
            .map((c) => c.name)
            .sort(),
        );
      }
    });
  });
});

function document(c: Case): CallDocument {
  return {
    id: '00000000-0000-4000-8000-000000000000',
    title: c.name,
    summary: null,
    description: null,
    issuer: 'Regione',
    programme: 'regionale',
    programmeCode: null,
    measureCode: null,
    themes: [],
    themeLabels: [],
    sources: [],
    bodyTypes: [],
    regions: [],
    provinces: [],
    editorialStatus: 'published',
    totalBudget: null,
    remainingBudget: c.remainingBudget ?? null,
    amountMax: null,
    publishedAt: NOW,
    windows: c.windows,
    link: null,
  };
}

async function writeWindows(trx: Kysely<Database>, id: string, windows: TimeWindow[]) {
  await trx.deleteFrom('call_windows').where('call_id', '=', id).execute();
  if (windows.length > 0)
    await trx
      .insertInto('call_windows')
      .values(
        windows.map((x, i) => ({ call_id: id, number: i + 1, opens_at: new Date(x.opensAt), closes_at: x.closesAt === null ? null : new Date(x.closesAt) })),
      )
      .execute();
  const closes = windows.length === 0 || windows.some((x) => x.closesAt === null) ? null : new Date(Math.max(...windows.map((x) => x.closesAt!)));
  const opens = windows.length === 0 ? null : new Date(Math.min(...windows.map((x) => x.opensAt)));
  await trx.updateTable('calls').set({ opens_at: opens, closes_at: closes }).where('id', '=', id).execute();
}
