/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';
import { CHROMIUM, launchBrowser, openPage, signIn, watchConsole } from './browser.ts';
import { startDemoServer, type E2eServer } from './server.ts';

const PASSWORD = 'Cruscotto-Demo-2026';
const canRun = existsSync(CHROMIUM);
if (!canRun) console.log(`skipped the first-answers journey: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let server: E2eServer;
let browser: Browser;

beforeAll(async () => {
  if (!canRun) return;
  server = await startDemoServer();
  // Matching gives the office's comuni their opportunities too.
  for (const email of ['rtd.crema@demo.cruscotto.it', 'rtd.cremasco@demo.cruscotto.it']) {
    const rtd = await loginAs(server.server.app, email, PASSWORD);
    await waitFor(async () => (await rtd.get('/api/v1/me/opportunities?limit=1')).body.total >= 3, 60_000, `the opportunities of ${email}`);
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens a page as a visitor types its address, and lists the API requests it made until it settled. */
async function apiRequestsOfFirstLoad(page: Page, path: string): Promise<string[]> {
  const requested: string[] = [];
  const record = (request: { url(): string }) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) requested.push(url.pathname + url.search);
  };
  page.on('request', record);
  await page.goto(`${server.url}${path}`, { waitUntil: 'networkidle' });
  page.off('request', record);
  return requested;
}

describe.runIf(canRun)('pages drawn from the answers written into them', { timeout: 60_000 }, () => {
  it('shows an anonymous visitor the front door’s open calls without a request of its own', async () => {
    const page = await openPage(browser);
    const watched = watchConsole(page);
    expect(await apiRequestsOfFirstLoad(page, '/')).toEqual([]);
    expect(await page.locator('#open-calls-title').textContent()).toBe('Bandi aperti e in arrivo, per scadenza');
    expect(await page.locator('main article.home-call').count()).toBeGreaterThanOrEqual(3);
    expect(watched.errors).toEqual([]);
    await page.context().close();
  });

  for (const [email, comune] of [
    ['rtd.crema@demo.cruscotto.it', 'Crema'],
    ['rtd.cremasco@demo.cruscotto.it', 'Bagnolo Cremasco'],
  ] as const) {
    it(`shows ${email} their opportunities for ${comune}, with amounts, on a fresh load without a request of its own`, async () => {
      const login = await openPage(browser);
      await signIn(login, server.url, email, PASSWORD);
      // The address opened afresh in another tab of the same browser (signed in): its requests alone are counted.
      const page = await login.context().newPage();
      const watched = watchConsole(page);
      expect(await apiRequestsOfFirstLoad(page, '/opportunita')).toEqual([]);
      expect(await page.locator('h1').textContent()).toBe(`Le mie opportunità: ${comune}`);
      expect(Number(await page.locator('.summary-count').textContent())).toBeGreaterThanOrEqual(3);
      // The front door leads a signed-in RTD to the same page, answered the same way.
      expect(await apiRequestsOfFirstLoad(page, '/')).toEqual([]);
      await page.waitForURL(/\/opportunita$/);
      expect(watched.errors).toEqual([]);
      await page.context().close();
    });
  }
});
