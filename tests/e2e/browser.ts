import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { repoRoot } from '../../server/src/paths.ts';

export const SCREENSHOTS = resolve(repoRoot, 'test-artifacts/screenshots');
export const CHROMIUM = '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A page as an Italian user in Rome opens it: 1280 px wide by default, downloads allowed, 10 s per step. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    locale: 'it-IT',
    timezoneId: 'Europe/Rome',
    ...options,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

/** Signs in through the login page as a person does, and waits for the landing page ("Le mie opportunità"). */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/accedi`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.waitForURL(/\/opportunita/);
}

/**
 * Every console error and uncaught exception of a page (a journey must end with none), and every
 * API answer of 400 or more, kept apart: the browser also logs those, and a journey provokes some on
 * purpose (a wrong password, an invalid field) that the test lists.
 */
export function watchConsole(page: Page): { errors: string[]; failedRequests: string[] } {
  const errors: string[] = [];
  const failedRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded with a status of')) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  return { errors, failedRequests };
}

/** WCAG 2.1 A/AA violations on the page as it is now, described for a readable failure. */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** One part of a page, e.g. a section, at the page's current width. */
export async function screenshotOf(part: Locator, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await part.screenshot({ path });
  return path;
}

/**
 * What sticks out of the page narrowed to a 375 px phone (empty when nothing needs sideways
 * scrolling; tables may scroll inside their own box).
 */
export async function overflowOnPhone(page: Page): Promise<string[]> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 800 });
  const wide = (await page.evaluate(`(() => {
    if (document.documentElement.scrollWidth <= 375) return [];
    const inScroller = (el) => { for (let p = el.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
    return [...document.querySelectorAll('main *')].filter((el) => el.getBoundingClientRect().right > 376 && !inScroller(el)).slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
  })()`)) as string[];
  // The same checks hold on the phone: scrolling tables must be reachable by keyboard.
  const violations = await axeViolations(page);
  if (before) await page.setViewportSize(before);
  return [...wide, ...violations.map((v) => `axe at 375 px: ${v}`)];
}
