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

/** A point inside a comune's outline, in the window's coordinates: the grid point inside it nearest its box's centre. */
async function pointInside(istat: string): Promise<[number, number]> {
  return page.evaluate(async (id) => {
    const outlines = (await (await fetch('/api/v1/territory/outlines')).json()) as { comuni: { id: string; d: string }[] };
    const d = outlines.comuni.find((c) => c.id === id)!.d;
    const svg = document.querySelector('svg[role="application"]') as SVGSVGElement;
    const probe = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    probe.setAttribute('d', d);
    svg.appendChild(probe);
    const box = probe.getBBox();
    probe.remove();
    const canvas = document.createElement('canvas').getContext('2d')!;
    const path = new Path2D(d);
    let best: [number, number] | null = null;
    for (let i = 1; i < 20; i++)
      for (let j = 1; j < 20; j++) {
        const [x, y] = [box.x + (box.width * i) / 20, box.y + (box.height * j) / 20];
        const far = (p: [number, number]) => Math.hypot(p[0] - box.x - box.width / 2, p[1] - box.y - box.height / 2);
        if (canvas.isPointInPath(path, x, y) && (!best || far([x, y]) < far(best))) best = [x, y];
      }
    // Scrolled to the middle of the window, where the pointer can reach it.
    const onScreen = () => new DOMPoint(best![0], best![1]).matrixTransform(svg.getScreenCTM()!);
    window.scrollBy({ top: onScreen().y - window.innerHeight / 2, behavior: 'instant' });
    return [onScreen().x, onScreen().y] as [number, number];
  }, istat);
}

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
    // Every comune is drawn: the outlines are merged by colour, one subpath (at least) per comune.
    await expect
      .poll(() => map.evaluate((svg) => Array.from(svg.querySelectorAll('path')).reduce((n, p) => n + (p.getAttribute('d')?.match(/M/g)?.length ?? 0), 0)), {
        timeout: 20_000,
      })
      .toBeGreaterThan(1500);
    expect(await page.locator('.map-legend figcaption').textContent()).toBe('Bandi aperti utilizzabili oggi');

    // The open call reaches the province of Cremona: Crema's tooltip says so.
    // Crema's shape is not convex: the pointer goes to a point inside its outline, not to its box's centre.
    await page.mouse.move(...(await pointInside('019035')));
    await expect.poll(() => page.locator('.map-tooltip').textContent()).toContain('Crema (CR)');
    expect(await map.locator('.highlight path[data-id="019035"]').count()).toBe(1);
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
    await page.mouse.click(...(await pointInside('019035')));
    await page.waitForURL(/\/comuni\/019035/);
    expect(consoleErrors.errors).toEqual([]);
  });
});
