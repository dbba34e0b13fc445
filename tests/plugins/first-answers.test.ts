import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { processCallEvents } from '../../server/src/modules/matching/matching.jobs.ts';
import { webDistDir } from '../../server/src/paths.ts';
import { seedDemo } from '../../seeds/demo.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const DEMO_PASSWORD = 'Cruscotto-Demo-2026';
const CREMA = '019035';
/** Bagnolo Cremasco: the first by name of the five comuni of the Cremasco office. */
const OFFICE_FIRST = '019005';
const HOSTILE_TITLE = 'Bando </script><script>alert(1)</script><!-- per i comuni';

// `npm test` builds the SPA first (pretest), as `npm start` does.
const plan = JSON.parse(readFileSync(join(webDistDir, 'first-answers.json'), 'utf8')) as {
  session: string;
  aggregationMembers: string;
  pages: Record<string, string[]>;
};

// Behind a proxy, as in production: the visitor's address comes from X-Forwarded-For.
const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false', TRUST_PROXY: 'true' } });
let crema: Agent;
let office: Agent;

/** The answers a page carries, read as the SPA reads them; the raw text must not be able to end its script element. */
function written(html: string): { complete: boolean; answers: Record<string, unknown> } {
  const match = /<script id="first-answers" type="application\/json">([^]*?)<\/script>/.exec(html);
  expect(match, 'the page carries its answers').not.toBeNull();
  expect(match![1]).not.toContain('<');
  return JSON.parse(match![1]!);
}

const pageOf = (agent: Agent | null, path: string) => (agent ?? request(ctx.app.server)).get(path).set('accept-encoding', 'identity').expect(200);
const answerOf = async (agent: Agent | null, url: string) => (await (agent ?? request(ctx.app.server)).get(url).expect(200)).body;

beforeAll(async () => {
  await seedDemo(ctx.db);
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  const editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(callInput({ title: HOSTILE_TITLE, windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(2) }] }));
  await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  await processCallEvents(ctx.app);
  crema = await loginAs(ctx.app, 'rtd.crema@demo.cruscotto.it', DEMO_PASSWORD);
  office = await loginAs(ctx.app, 'rtd.cremasco@demo.cruscotto.it', DEMO_PASSWORD);
});

describe('the answers a page opens with, written into it', () => {
  it('gives an anonymous visitor of the front door the open calls as the API gives them, the session check included', async () => {
    const page = await pageOf(null, '/');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['vary']).toContain('cookie');
    const { complete, answers } = written(page.text);
    expect(complete).toBe(true);
    expect(answers[plan.session]).toEqual({ authenticated: false, me: null });
    const [catalogue] = plan.pages['/']!;
    expect(answers[catalogue!]).toEqual(await answerOf(null, catalogue!));
    // A title that tries to close the script element arrives whole, as text.
    expect(JSON.stringify(answers[catalogue!])).toContain(HOSTILE_TITLE);
    // Answered in the page, the session check needs no request of its own.
    expect(page.text).not.toContain(`href="${plan.session}"`);
  });

  it('gives a signed-in RTD their opportunities, on the front door as on their page, and never to a cache', async () => {
    for (const path of ['/opportunita', '/']) {
      const page = await pageOf(crema, path);
      expect(page.headers['cache-control'], path).toBe('private, no-store');
      const { complete, answers } = written(page.text);
      expect(complete, path).toBe(true);
      expect((answers[plan.session] as { me: { comuni: string[] } }).me.comuni).toEqual([CREMA]);
      for (const template of plan.pages['/opportunita']!) {
        const url = template.replace('{comune}', CREMA);
        expect(answers[url], url).toEqual(await answerOf(crema, url));
      }
    }
  });

  it('gives an associated office the names of its comuni and the opportunities of the first of them by name', async () => {
    const { complete, answers } = written((await pageOf(office, '/opportunita')).text);
    expect(complete).toBe(true);
    const membersUrl = Object.keys(answers).find((url) => url.startsWith(plan.aggregationMembers.split('{')[0]!));
    expect(membersUrl).toBeDefined();
    expect(answers[membersUrl!]).toEqual(await answerOf(office, membersUrl!));
    const opportunities = plan.pages['/opportunita']![1]!.replace('{comune}', OFFICE_FIRST);
    expect(answers[opportunities]).toEqual(await answerOf(office, opportunities));
  });

  it('answers only the session check where the page would ask for something else or for nothing it may see', async () => {
    // Filters in the address: the page asks for other answers than the usual ones.
    const filtered = written((await pageOf(crema, '/opportunita?status=chiuso')).text);
    expect(filtered.complete).toBe(false);
    expect(Object.keys(filtered.answers)).toEqual([plan.session]);
    // Anonymous on a private page: no comune, and the router sends the visitor to the login page.
    const anonymous = written((await pageOf(null, '/opportunita')).text);
    expect(anonymous.complete).toBe(false);
    expect(Object.keys(anonymous.answers).some((url) => url.includes('/comuni/'))).toBe(false);
    // A page without its own answers.
    expect(Object.keys(written((await pageOf(crema, '/profilo')).text).answers)).toEqual([plan.session]);
  });

  it('asks the API as the visitor: the page’s answers count toward their rate limit, not the server’s own', async () => {
    const remaining = async (address: string) =>
      Number((await request(ctx.app.server).get(plan.session).set('x-forwarded-for', address).expect(200)).headers['x-ratelimit-remaining']);
    const untouched = await remaining('203.0.113.10');
    await request(ctx.app.server).get('/').set('x-forwarded-for', '203.0.113.9').expect(200);
    // The page asked for the session check and the catalogue as 203.0.113.9; then this request.
    expect(await remaining('203.0.113.9')).toBe(untouched - 2);
  });
});
