import { beforeAll, describe, expect, it } from 'vitest';
import { processCallEvents } from '../../server/src/modules/matching/matching.jobs.ts';
import { seedDemo } from '../../seeds/demo.ts';
import { useTestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/processes.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false' } });
let viewer: Agent;
let rtd: Agent;
let callId: string;

beforeAll(async () => {
  await seedDemo(ctx.db);
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'osservatorio@regione.example.it', 'viewer');
  await createTestUser(ctx.db, 'rtd@crema.example.it', 'rtd', ['019035']);
  const editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  viewer = await loginAs(ctx.app, 'osservatorio@regione.example.it');
  rtd = await loginAs(ctx.app, 'rtd@crema.example.it');
  // Open to the comuni of the province of Cremona only.
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(
      callInput({
        title: 'Sportello digitale cremonese',
        eligibility: { bodyTypes: ['comune'], territory: { provinces: ['CR'] }, aggregation: 'allowed', exclusions: [], conditions: [] },
        windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(30) }],
      }),
    );
  callId = body.id;
  await editor.post(`/api/v1/calls/${callId}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  await processCallEvents(ctx.app);
});

describe('GET /api/v1/coverage/uncovered', () => {
  it('lists the Lombard comuni no open call can fund, with counts by province and size class', async () => {
    const { body } = await viewer.get('/api/v1/coverage/uncovered?limit=100');
    const demo = await ctx.db.selectFrom('comuni').select(['istat', 'province_sigla']).where('region_code', '=', '03').execute();
    const outsideCremona = demo.filter((c) => c.province_sigla !== 'CR');
    expect(body.summary.comuni).toBe(demo.length);
    expect(body.summary.uncovered).toBe(outsideCremona.length);
    expect(body.items.map((c: { istat: string }) => c.istat).sort()).toEqual(outsideCremona.map((c) => c.istat).sort());
    expect(body.summary.byProvince.CR).toBeUndefined();
    expect(body.summary.comuniByProvince.CR).toBe(demo.length - outsideCremona.length);
    expect(Object.values(body.summary.bySizeClass as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(outsideCremona.length);
    const cremona = await viewer.get('/api/v1/coverage/uncovered?province=CR');
    expect(cremona.body.summary).toMatchObject({ uncovered: 0 });
  });

  it('answers CSV for spreadsheets, and only to Regione, ANCI and admins', async () => {
    const csv = await viewer.get('/api/v1/coverage/uncovered?province=BG').set('accept', 'text/csv');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('\uFEFFCodice ISTAT;Comune;Provincia;Classe dimensionale;Popolazione legale');
    // One row per comune of Bergamo's province (none is reached by the Cremona-only call), as the JSON lists them.
    const bergamo = await ctx.db.selectFrom('comuni').select(['istat', 'name']).where('province_sigla', '=', 'BG').orderBy('istat').execute();
    expect(bergamo.length).toBeGreaterThan(3);
    const rows = lines.slice(1, -1);
    expect(rows.map((line) => line.split(';').slice(0, 3).join(';')).sort()).toEqual(bergamo.map((c) => `${c.istat};${c.name};BG`));
    const json = await viewer.get('/api/v1/coverage/uncovered?province=BG&limit=100');
    expect(rows.map((line) => line.split(';')[0]).sort()).toEqual(json.body.items.map((c: { istat: string }) => c.istat).sort());
    expect(lines.at(-1)).toBe('');
    expect((await rtd.get('/api/v1/coverage/uncovered')).status).toBe(403);
  });
});

describe('GET /api/v1/coverage/uncovered after the matches change', () => {
  // Answers are kept in memory by territory; a change to one comune's matches must drop them all.
  it('counts a comune as covered as soon as a usable call is matched to it', async () => {
    const before = await viewer.get('/api/v1/coverage/uncovered?province=BG&limit=100').expect(200);
    const comune = before.body.items[0].istat as string;
    await ctx.db
      .insertInto('matches')
      .values({ comune_istat: comune, call_id: callId, verdict: 'eligible', score: 50, components: '{}', reasons: '{}', call_version: 1 })
      .execute();
    await waitFor(
      async () => {
        const { body } = await viewer.get('/api/v1/coverage/uncovered?province=BG&limit=100');
        return body.summary.uncovered === before.body.summary.uncovered - 1;
      },
      5000,
      'the coverage to drop the newly covered comune',
    );
    const after = await viewer.get('/api/v1/coverage/uncovered?province=BG&limit=100');
    expect(after.body.items.map((c: { istat: string }) => c.istat)).not.toContain(comune);
  });
});

describe('GET /api/v1/calls/:id/matches as CSV', () => {
  it('lists every comune the call reaches, with participation, score and amount', async () => {
    const csv = await viewer.get(`/api/v1/calls/${callId}/matches`).set('accept', 'text/csv');
    const [header, ...rows] = csv.text.replace(/\r\n$/, '').split('\r\n');
    expect(header).toBe('\uFEFFCodice ISTAT;Comune;Provincia;Classe dimensionale;Partecipazione;Pertinenza;Importo stimato massimo (€)');
    const json = await viewer.get(`/api/v1/calls/${callId}/matches?limit=1`);
    expect(rows).toHaveLength(json.body.total);
    expect(rows.some((r) => r.startsWith('019035;Crema;CR;oltre 15.000 abitanti;da solo;'))).toBe(true);
  });
});
