/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { loginAs } from '../helpers/identity.ts';
import { axeViolations, CHROMIUM, launchBrowser, openPage, overflowOnPhone, screenshot, signIn, watchConsole } from './browser.ts';
import { publishCall, startE2eServer, type E2eServer } from './server.ts';

const PASSWORD = 'Cruscotto-Demo-2026';
const CREMA = '019035';
const EDITION_2022 = "1.4.5 'Piattaforma Notifiche Digitali' Comuni (Settembre 2022)";
const canRun = existsSync(CHROMIUM);
/** The text as read: numbers and euros are formatted with no-break spaces. */
const words = (text: string | null) => text?.replace(/\s+/g, ' ').trim();
if (!canRun) console.log(`skipped the peers journey: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let server: E2eServer;
let browser: Browser;
let page: Page;
let consoleErrors: ReturnType<typeof watchConsole>;
let callId: string;
let peersCount: number;

beforeAll(async () => {
  if (!canRun) return;
  server = await startE2eServer();
  const { seedDemo } = await import('../../seeds/demo.ts');
  await seedDemo(server.db);
  const crema = await server.db.selectFrom('comuni').select(['province_sigla', 'legal_population']).where('istat', '=', CREMA).executeTakeFirstOrThrow();
  const big = (crema.legal_population ?? 0) > 15000;
  const peers = await server.db
    .selectFrom('comuni')
    .select('istat')
    .where('valid_to', 'is', null)
    .where('province_sigla', '=', crema.province_sigla)
    .where('legal_population', big ? '>' : '<=', 15000)
    .orderBy('istat')
    .execute();
  peersCount = peers.length;
  await server.db.deleteFrom('funding_awards').where('measure_code', '=', '1.4.5').execute();
  // Every comune of the group got the 2022 edition: 59,966 €, the SEND amount of its bracket.
  await server.db
    .insertInto('funding_awards')
    .values(
      peers.map((p) => ({
        comune_istat: p.istat,
        source: 'padigitale2026',
        application_key: `send-${p.istat}`,
        avviso: EDITION_2022,
        measure_code: '1.4.5',
        amount: 59966,
        applied_at: new Date('2022-09-20T10:00:00Z'),
        funded_on: '2022-12-01',
        status: 'assegnato' as const,
      })),
    )
    .execute();
  const editor = await loginAs(server.server.app, 'redazione@demo.cruscotto.it', PASSWORD);
  callId = (
    await publishCall(
      server,
      editor,
      callInput({
        title: 'Notifiche digitali SEND - nuova edizione',
        summary: 'Integrazione con SEND per notificare gli atti in digitale',
        programme: { kind: 'pnrr', code: 'M1C1I1.4.5 Digitalizzazione degli avvisi pubblici' },
        themes: ['piattaforme.send'],
        eligibility: { bodyTypes: ['comune'], territory: { regions: ['03'] }, aggregation: 'allowed', exclusions: [], conditions: [] },
        windows: [{ opensAt: daysFromNow(-2), closesAt: daysFromNow(40) }],
        money: { totalBudget: 5_000_000, amount: { kind: 'fixed', amount: 59966 } },
      }),
      { comuni: [CREMA] },
      30_000,
    )
  ).id;
  browser = await launchBrowser();
  page = await openPage(browser);
  consoleErrors = watchConsole(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.runIf(canRun)('an RTD reads what comuni like theirs obtained', { timeout: 180_000 }, () => {
  const sentence = `Comuni come il tuo: Il 100 % dei comuni della provincia di Cremona oltre 15.000 abitanti ha ottenuto l’edizione «${EDITION_2022}»; importo mediano 59.966 €.`;

  it('on the opportunity card', async () => {
    expect(peersCount).toBeGreaterThan(1);
    await signIn(page, server.url, 'rtd.crema@demo.cruscotto.it', PASSWORD);
    const card = page.locator('article', { hasText: 'Notifiche digitali SEND - nuova edizione' });
    await card.locator('.peers').waitFor({ timeout: 60_000 });
    expect(words(await card.locator('.peers').textContent())).toBe(sentence);
    expect(words(await card.locator('.application-status').textContent())).toBe('Candidatura: da valutare');
    await screenshot(page, 'peers-card-1280');
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, 'peers-card-375');
    expect(await overflowOnPhone(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('on the call page, with the link to how relevance and amounts are computed', async () => {
    await page.goto(`${server.url}/bandi/${callId}`);
    await page.locator('p.peers').waitFor({ timeout: 60_000 });
    expect(words(await page.locator('p.peers').textContent())).toBe(sentence);
    await screenshot(page, 'peers-call-1280');
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, 'peers-call-375');
    expect(await overflowOnPhone(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'Come calcoliamo pertinenza e importi' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Come calcoliamo pertinenza e importi');
    expect(await page.getByText('comuni simili al tuo hanno partecipato spesso a questo tipo di bando').count()).toBeGreaterThan(0);
    await screenshot(page, 'method-1280');
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, 'method-375');
    expect(await overflowOnPhone(page)).toEqual([]);
    expect(consoleErrors.errors).toEqual([]);
  });
});
