/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, CHROMIUM, launchBrowser, screenshot } from './browser.ts';
import { startE2eServer, type E2eServer } from './server.ts';

const canRun = existsSync(CHROMIUM);
if (!canRun) console.log(`skipped the header search check: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const PAGES = [
  { path: '/', name: 'home' },
  { path: '/cerca', name: 'search' },
  { path: '/accedi', name: 'login' },
  { path: '/password-dimenticata', name: 'password-forgotten' },
  { path: '/pagina-che-non-esiste', name: 'not-found' },
];
const WIDTHS = [375, 1280];

let server: E2eServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!canRun) return;
  server = await startE2eServer();
  browser = await launchBrowser();
  page = await openPage(browser, { viewport: { width: 1280, height: 720 }, acceptDownloads: false });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * The icon's contrast against what it sits on (WCAG 1.4.11, graphics: at least 3:1): the icon's
 * fill, the first opaque background from the button up.
 */
async function iconContrast(): Promise<{ ratio: number; fill: string; background: string }> {
  return page.evaluate(`(() => {
    const link = document.querySelector('header a.search-link');
    const icon = link.querySelector('svg');
    const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
    let background = null;
    for (let el = link; el && !background; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3] > 0.5)) background = c;
    }
    background = background || [255, 255, 255];
    const fill = rgb(getComputedStyle(icon).fill !== 'none' ? getComputedStyle(icon).fill : getComputedStyle(icon).color);
    const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
    const [a, b] = [lum(fill), lum(background)].sort((x, y) => y - x);
    return { ratio: (a + 0.05) / (b + 0.05), fill: fill.join(','), background: background.join(',') };
  })()`);
}

describe.runIf(canRun)('the header search button', { timeout: 60_000 }, () => {
  for (const { path, name } of PAGES) {
    for (const width of WIDTHS) {
      it(`is visible, named and contrasted on ${path} at ${width} px`, async () => {
        await page.setViewportSize({ width, height: 800 });
        await page.goto(`${server.url}${path}`);
        await page.locator('h1').first().waitFor();
        const button = page.getByRole('link', { name: 'Cerca bandi', exact: true }).and(page.locator('header a.search-link'));
        expect(await button.isVisible()).toBe(true);
        const box = (await button.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(width);
        // A target a finger can hit (WCAG 2.5.8: at least 24 × 24 px).
        expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(24);
        const contrast = await iconContrast();
        expect(contrast.ratio, `icon ${contrast.fill} on ${contrast.background}`).toBeGreaterThanOrEqual(3);
        await page.screenshot({
          path: (await screenshot(page, `header-search-${name}-${width}`)).replace(/\.png$/, '-top.png'),
          clip: { x: 0, y: 0, width, height: 200 },
        });
        await button.click();
        await page.waitForURL(`${server.url}/cerca`);
      });
    }
  }
});
