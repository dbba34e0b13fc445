import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { processCallEvents } from '../../server/src/modules/matching/matching.jobs.ts';
import { DEMO_LOGINS, seedDemo } from '../../seeds/demo.ts';
import { DEMO_SOURCE_KIND } from '../../server/src/modules/calls/calls.demo.ts';
import { seedAvvisiPnrr } from '../../seeds/avvisi-pnrr.ts';
import { seedDemoCalls } from '../../seeds/demo-calls.ts';
import { useTestApp } from '../helpers/app.ts';
import { loginAs } from '../helpers/identity.ts';

const ctx = useTestApp();
const OPEN = ['aperto', 'in_scadenza'];

beforeAll(async () => {
  await seedDemo(ctx.db);
  await seedAvvisiPnrr(ctx.db);
  const report = await seedDemoCalls(ctx.db, new Date(), 14);
  expect(report).toMatchObject({ failed: 0, created: 10 });
  await processCallEvents(ctx.app);
});

describe('seed demo: a catalogue dated from the day it runs', () => {
  it('holds calls open now, closing within 14 days, opening next month and closed', async () => {
    const { body } = await request(ctx.app.server).get(
      '/api/v1/calls?limit=100&status=aperto&status=in_scadenza&status=in_arrivo&status=chiuso&status=esaurito',
    );
    const demo = body.items.filter((c: { title: string }) => !/^1\.\d.*(2022|2023|2024|2025)/.test(c.title));
    const statuses = new Set(demo.map((c: { status: string }) => c.status));
    expect([...statuses].sort()).toEqual(['aperto', 'chiuso', 'in_arrivo', 'in_scadenza']);
    const soon = demo.filter((c: { status: string }) => c.status === 'in_scadenza');
    for (const call of soon) expect(new Date(call.nextDeadline).getTime() - Date.now()).toBeLessThan(14 * 86_400_000);
  });

  it('gives every demo RTD at least three open opportunities with an amount on each of their comuni', async () => {
    for (const login of DEMO_LOGINS.filter((l) => l.role === 'rtd')) {
      const rtd = await loginAs(ctx.app, login.email, login.password);
      const { body: me } = await rtd.get('/api/v1/me').expect(200);
      const comuni: string[] = me.comuni;
      expect(comuni.length).toBeGreaterThan(0);
      for (const istat of comuni) {
        const { body } = await rtd.get(`/api/v1/comuni/${istat}/opportunities?verdict=eligible&limit=100`).expect(200);
        const usable = body.items.filter((o: { call: { status: string }; amount: unknown }) => OPEN.includes(o.call.status) && o.amount !== null);
        expect(usable.length, `${login.email} on ${istat}`).toBeGreaterThanOrEqual(3);
      }
    }
  });

  it('changes nothing when loaded again, and moves the dates forward with --refresh', async () => {
    expect(await seedDemoCalls(ctx.db, new Date(), 14)).toBeNull();
    const deadlines = async () =>
      ctx.db
        .selectFrom('ingest_items as i')
        .innerJoin('call_windows as w', 'w.call_id', 'i.call_id')
        .select(['i.external_id', 'w.opens_at'])
        .where('i.source_kind', '=', DEMO_SOURCE_KIND)
        .orderBy('i.external_id')
        .orderBy('w.opens_at')
        .execute();
    const before = await deadlines();
    const later = new Date(Date.now() + 30 * 86_400_000);
    const refreshed = await seedDemoCalls(ctx.db, later, 14, { refresh: true });
    expect(refreshed).toMatchObject({ failed: 0, created: 0, updated: 10 });
    const after = await deadlines();
    expect(after.length).toBe(before.length);
    const shift = (after[0]!.opens_at.getTime() - before[0]!.opens_at.getTime()) / 86_400_000;
    expect(Math.round(shift)).toBe(30);
  });
});

describe('the "dimostrativo" flag, from the call sources', () => {
  const isDemoTitle = (title: string) => !/^1\.\d.*(2022|2023|2024|2025)/.test(title);

  it('marks the demo calls, and not the curated PNRR avvisi, in GET /api/v1/calls and /calls/{id}', async () => {
    const { body } = await request(ctx.app.server)
      .get('/api/v1/calls?limit=100&status=aperto&status=in_scadenza&status=in_arrivo&status=chiuso&status=esaurito')
      .expect(200);
    const items = body.items as { id: string; title: string; demo: boolean }[];
    const demo = items.filter((c) => c.demo);
    expect(demo).toHaveLength(10);
    expect(items.filter((c) => !c.demo).length).toBeGreaterThan(0);
    for (const call of items) expect(call.demo, call.title).toBe(isDemoTitle(call.title));
    const curated = items.find((c) => !c.demo)!;
    expect((await request(ctx.app.server).get(`/api/v1/calls/${demo[0]!.id}`).expect(200)).body.demo).toBe(true);
    expect((await request(ctx.app.server).get(`/api/v1/calls/${curated.id}`).expect(200)).body.demo).toBe(false);
  });

  it('marks them in a comune’s opportunities, public and signed in', async () => {
    const login = DEMO_LOGINS.find((l) => l.role === 'rtd')!;
    const rtd = await loginAs(ctx.app, login.email, login.password);
    const { body: me } = await rtd.get('/api/v1/me').expect(200);
    const istat = me.comuni[0] as string;
    const { body: mine } = await rtd.get(`/api/v1/comuni/${istat}/opportunities?limit=100`).expect(200);
    const { body: open } = await request(ctx.app.server).get(`/api/v1/comuni/${istat}/open-calls?limit=100`).expect(200);
    for (const list of [mine.items, open.items] as { call: { id: string; title: string; demo: boolean } }[][]) {
      expect(list.some((o) => o.call.demo)).toBe(true);
      for (const { call } of list) expect(call.demo, call.title).toBe(isDemoTitle(call.title));
    }
    const demoCall = (open.items as { call: { id: string; demo: boolean } }[]).find((o) => o.call.demo)!.call;
    const { body: checklist } = await request(ctx.app.server).get(`/api/v1/comuni/${istat}/open-calls/${demoCall.id}`).expect(200);
    expect(checklist.call.demo).toBe(true);
  });
});
