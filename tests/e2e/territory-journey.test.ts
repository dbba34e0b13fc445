/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importComuni } from '../../server/src/modules/comuni/index.ts';
import { repoRoot } from '../../server/src/paths.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { loginAs } from '../helpers/identity.ts';
import { axeViolations, CHROMIUM, launchBrowser, openPage, overflowOnPhone, screenshot, signIn, watchConsole } from './browser.ts';
import { publishCall, startE2eServer, type E2eServer } from './server.ts';

const PASSWORD = 'Cruscotto-Demo-2026';
const SITUAS = resolve(repoRoot, '../shared/data/istat/comuni_situas_2026-06-09.csv');
const canRun = existsSync(CHROMIUM) && existsSync(SITUAS);

let server: E2eServer;
let browser: Browser;
let page: Page;
let consoleErrors: ReturnType<typeof watchConsole>;

beforeAll(async () => {
  if (!canRun) return;
  server = await startE2eServer();
  // Every Italian comune of the ISTAT registry, so that the map joins all of Lombardy.
  await importComuni(server.db, readFileSync(SITUAS));
  const { seedDemo } = await import('../../seeds/demo.ts');
  await seedDemo(server.db);
  const editor = await loginAs(server.server.app, 'redazione@demo.cruscotto.it', PASSWORD);
  await publishCall(
    server,
    editor,
    callInput({
      title: 'Sportelli digitali cremonesi',
      eligibility: { bodyTypes: ['comune'], territory: { provinces: ['CR'] }, aggregation: 'allowed', exclusions: [], conditions: [] },
      windows: [{ opensAt: daysFromNow(-2), closesAt: daysFromNow(40) }],
    }),
    { moreThan: 100 },
    60_000,
  );
  browser = await launchBrowser();
  page = await openPage(browser);
  page.setDefaultTimeout(20_000);
  consoleErrors = watchConsole(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.runIf(canRun)('Regione on the territory map', { timeout: 150_000 }, () => {
  it('reads the map by layer, by tooltip and by keyboard, filters a province and downloads the needs', async () => {
    await signIn(page, server.url, 'regione@demo.cruscotto.it', PASSWORD);
    await page.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'Territorio' }).click();
    await page.waitForURL(/\/territorio/);
    const map = page.getByRole('application', { name: /Mappa della Lombardia per comune/ });
    await expect.poll(() => map.locator('path').count(), { timeout: 20_000 }).toBeGreaterThan(1500);
    expect(await page.locator('.map-legend figcaption').textContent()).toBe('Bandi aperti utilizzabili oggi');

    // The open call reaches the province of Cremona: Crema's tooltip says so.
    // Crema's shape is not convex: the pointer goes where the page says its shape is, not to its box's centre.
    const crema = map.locator('path[data-id="019035"]');
    await crema.dispatchEvent(
      'mousemove',
      await crema.evaluate((el) => {
        const box = el.getBoundingClientRect();
        return { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2, bubbles: true };
      }),
    );
    await expect.poll(() => page.locator('.map-tooltip').textContent()).toContain('Crema (CR)');
    expect(await page.locator('.map-tooltip').textContent()).toContain('1');
    await screenshot(page, 'territorio-1280');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Cosa mostra').selectOption({ label: 'Interventi programmati non finanziati' });
    await page.waitForURL(/livello=fabbisogni/);
    expect(await page.locator('.map-legend figcaption').textContent()).toBe('Interventi programmati non finanziati');

    // One tab stop, then the arrow keys walk the comuni and a live region reads each one out.
    expect(await map.locator('[tabindex]').count()).toBe(0);
    await map.focus();
    const current = page.locator('.map-current');
    await expect.poll(() => current.textContent()).toMatch(/^.+ \([A-Z]{2}\): \d+/);
    const before = await current.textContent();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => current.textContent()).not.toBe(before);
    expect(await current.textContent()).toMatch(/^.+ \([A-Z]{2}\): \d+/);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('application');

    // Choosing a province filters the tables beside the map.
    await page.locator('.province-table').getByRole('button', { name: 'Cremona' }).click();
    await page.waitForURL(/provincia=CR/);
    await expect.poll(() => page.locator('.comuni-table caption').textContent()).toContain('Comuni della provincia di Cremona');
    expect(new Set(await page.locator('.comuni-table tbody td:nth-child(2)').allTextContents())).toEqual(new Set(['CR']));
    await expect.poll(() => page.getByRole('heading', { name: 'Fabbisogni e bandi in provincia di Cremona' }).count()).toBe(1);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Scarica la tabella dei fabbisogni in CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('fabbisogni-e-bandi.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('Tema;Codice tema;Provincia;Classe dimensionale;Comuni');
    expect(
      csv
        .split('\r\n')
        .slice(1, -1)
        .every((line) => line.split(';')[2] === 'CR'),
    ).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, 'territorio-375');
    expect(await overflowOnPhone(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });

    // Selecting a comune opens its public page.
    await crema.dispatchEvent('click');
    await page.waitForURL(/\/comuni\/019035/);
    expect(consoleErrors.errors).toEqual([]);
  });
});
