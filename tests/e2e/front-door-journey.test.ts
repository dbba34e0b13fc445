/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, axeViolations, CHROMIUM, launchBrowser, overflowOnPhone, screenshot, watchConsole, signIn } from './browser.ts';
import { startDemoServer, type E2eServer } from './server.ts';

const CREMA = '019035';
const canRun = existsSync(CHROMIUM);
if (!canRun) console.log(`skipped the browser journeys: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let server: E2eServer;
let browser: Browser;
let page: Page;
let consoleErrors: ReturnType<typeof watchConsole>;

/** Screenshots at 1280 and 375 px, one h1, no axe violation, nothing sticking out on a phone. */
async function expectAccessible(name: string) {
  expect(await page.locator('h1').count(), `one h1 on ${name}`).toBe(1);
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  await screenshot(page, `${name}-1280`);
  expect(await overflowOnPhone(page), `${name} at 375 px`).toEqual([]);
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(page, `${name}-375`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

beforeAll(async () => {
  if (!canRun) return;
  server = await startDemoServer();
  browser = await launchBrowser();
  page = await openPage(browser, { acceptDownloads: false });
  consoleErrors = watchConsole(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.runIf(canRun)('an anonymous visitor in the browser', { timeout: 60_000 }, () => {
  it('lands on the front door with the open and upcoming calls by deadline, in words', async () => {
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('I finanziamenti per il digitale dei comuni lombardi');
    expect(page.url()).toBe(`${server.url}/`);
    const cards = page.locator('.home-call');
    await cards.first().waitFor();
    expect(await cards.count()).toBeGreaterThan(3);
    const first = (await cards.first().textContent()) ?? '';
    expect(first).toMatch(/In scadenza|Aperto|In arrivo/);
    expect(first).toMatch(/Scadenza:\s*\S+ \d{1,2} \w+ \d{4}, ore \d{2}:\d{2}/);
    expect(first).not.toMatch(/in_scadenza|in_arrivo|\bpnrr\b|regionale/);
    const deadlines = await page.locator('.home-call time').evaluateAll((times) => times.map((t) => Date.parse(t.getAttribute('datetime')!)));
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
    await expect.poll(() => page.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'Home' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: /Accedi/ }).count()).toBeGreaterThan(0);
    await expectAccessible('front-door');
  });

  it('picks a comune from the front door with the keyboard and reads the calls it can use', async () => {
    const field = page.getByRole('combobox', { name: 'Scegli il tuo comune' });
    await field.fill('Crem');
    await page.getByRole('option', { name: 'Crema (CR)' }).waitFor();
    await field.press('ArrowDown');
    expect(await field.getAttribute('aria-activedescendant')).toBe('home-comune-option-0');
    await screenshot(page, 'front-door-combobox-1280');
    await field.press('Enter');
    await page.waitForURL(new RegExp(`/comuni/${CREMA}$`));
    await expect.poll(() => page.locator('h1').textContent()).toBe('Comune di Crema');
    const registry = (await page.locator('.registry').textContent()) ?? '';
    expect(registry).toContain('Cremona (CR)');
    expect(registry).toContain('34.012 abitanti');
    expect(registry).toContain('oltre 15.000 abitanti');
    const cards = page.locator('.comune-call');
    await cards.first().waitFor();
    const shown = await cards.count();
    expect(await page.locator('#calls-title + p').textContent()).toContain(`${shown} bandi aperti o in arrivo`);
    const text = (await cards.first().textContent()) ?? '';
    expect(text).toMatch(/Può partecipare da solo|Solo in forma associata/);
    expect(text).toMatch(/Importo stimato:\s*(\d|da|non stimabile)/);
    expect(text).not.toMatch(/pertinenza|\/100/i);
    await expectAccessible('comune-page');
  });

  it('opens a call from the comune page and reads its rules and its checklist for the comune', async () => {
    const link = page.locator('.comune-call h3 a').first();
    const title = (await link.textContent())!.trim();
    await link.click();
    await page.waitForURL(new RegExp(`/bandi/[0-9a-f-]+\\?comune=${CREMA}$`));
    await expect.poll(() => page.locator('h1').textContent()).toBe(title);
    const rules = page.locator('.eligibility-rules');
    await rules.waitFor();
    expect(await rules.textContent()).toContain('Enti ammessi');
    await page.locator('.eligibility-checklist').waitFor();
    expect(await page.locator('#check-title').textContent()).toBe('Verifica per Crema');
    expect(await page.locator('.eligibility-checklist').textContent()).toContain('Soddisfatto');
    expect(await page.locator('main').textContent()).not.toMatch(/pertinenza/i);
    await expectAccessible('call-page');
  });

  it('checks the same call for another comune with the picker on the call page', async () => {
    const field = page.getByRole('combobox', { name: 'Verifica per un altro comune' });
    await field.fill('Morter');
    await page.getByRole('option', { name: 'Morterone (LC)' }).click();
    await page.waitForURL(/comune=097055/);
    await expect.poll(() => page.locator('#check-title').textContent()).toBe('Verifica per Morterone');
    await page.locator('.eligibility-checklist').waitFor();
    await screenshot(page, 'call-page-other-comune-1280');
    expect(consoleErrors.errors).toEqual([]);
    expect(consoleErrors.failedRequests).toEqual([]);
  });

  it('still lands a signed-in RTD on their opportunities', async () => {
    await signIn(page, server.url, 'rtd.crema@demo.cruscotto.it', 'Cruscotto-Demo-2026');
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/opportunita$/);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Le mie opportunità: Crema');
    expect(await page.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'Home' }).count()).toBe(0);
  });
});
