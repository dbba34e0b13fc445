/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { loginAs } from '../helpers/identity.ts';
import { openPage, axeViolations, CHROMIUM, launchBrowser, overflowOnPhone, screenshot, watchConsole, signIn } from './browser.ts';
import { publishCall, startE2eServer, type E2eServer } from './server.ts';

const PASSWORD = 'Cruscotto-Demo-2026';
const OFFICE_RTD = 'rtd.cremasco@demo.cruscotto.it';
const OFFICE = ['019005', '019062', '019067', '019109', '019111'];
const TITLE = 'Sportelli digitali per i comuni del Cremasco';
const canRun = existsSync(CHROMIUM);
if (!canRun) console.log(`skipped the browser journeys: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let server: E2eServer;
let browser: Browser;
let page: Page;
let consoleErrors: ReturnType<typeof watchConsole>;

beforeAll(async () => {
  if (!canRun) return;
  server = await startE2eServer();
  const { seedDemo } = await import('../../seeds/demo.ts');
  await seedDemo(server.db);
  const editor = await loginAs(server.server.app, 'redazione@demo.cruscotto.it', PASSWORD);
  await publishCall(
    server,
    editor,
    callInput({
      title: TITLE,
      programme: { kind: 'regionale', code: null },
      eligibility: { bodyTypes: ['comune'], population: { max: 15000 }, aggregation: 'allowed', exclusions: [], conditions: [] },
      windows: [{ opensAt: daysFromNow(-2), closesAt: '2030-01-29T11:00:00.000Z' }],
    }),
    { comuni: OFFICE },
  );
  browser = await launchBrowser();
  page = await openPage(browser);
  consoleErrors = watchConsole(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.runIf(canRun)('an associated RTD office in the browser', { timeout: 60_000 }, () => {
  it('reaches every comune in one table from the header, filters it and exports it', async () => {
    await signIn(page, server.url, OFFICE_RTD, PASSWORD);
    await page.getByRole('link', { name: /Vedi i bandi di tutti i tuoi 5 comuni/ }).waitFor();
    await page.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'Tutti i miei comuni' }).click();
    await page.waitForURL(/\/tutti-i-miei-comuni/);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Tutti i miei comuni');
    const rows = page.locator('.all-comuni-table tbody tr', { hasText: TITLE });
    await expect.poll(() => rows.count()).toBe(5);
    const comuni = await page.locator('.all-comuni-table tbody tr', { hasText: TITLE }).locator('th').allTextContents();
    expect(comuni.sort()).toEqual(['Bagnolo Cremasco', 'Offanengo', 'Pandino', 'Trescore Cremasco', 'Vaiano Cremasco'].sort());
    expect(await rows.first().textContent()).toContain('29 gennaio 2030, ore 12:00');
    await screenshot(page, 'tutti-i-miei-comuni-1280');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Comune').selectOption('019067');
    await page.waitForURL(/comune=019067/);
    // The table narrows after the URL changes: wait for the filtered rows, not for Pandino, which was there before.
    await expect.poll(async () => [...new Set(await page.locator('.all-comuni-table tbody th').allTextContents())]).toEqual(['Pandino']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Scarica la tabella in CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('bandi-dei-miei-comuni.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain(`019067;Pandino;${TITLE};`);
    expect(csv).not.toContain('Bagnolo Cremasco');

    await page.getByLabel('Comune').selectOption('');
    await page.waitForURL((url) => !url.search.includes('comune='));
    await page.setViewportSize({ width: 375, height: 800 });
    // Nothing escapes the table's scroll box (the status chips' hidden labels are positioned inside it).
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'tutti-i-miei-comuni-375');
    // The table scrolls inside its own box, which the keyboard can reach.
    expect(await page.locator('.table-responsive[role="region"][tabindex="0"]').count()).toBe(1);
    expect(await overflowOnPhone(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(consoleErrors.errors).toEqual([]);
  });
});
