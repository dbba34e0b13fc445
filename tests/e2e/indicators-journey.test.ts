/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { loginAs } from '../helpers/identity.ts';
import { axeViolations, CHROMIUM, launchBrowser, openPage, overflowOnPhone, screenshot, signIn, watchConsole } from './browser.ts';
import { publishCall, startE2eServer, type E2eServer } from './server.ts';

const PASSWORD = 'Cruscotto-Demo-2026';
const canRun = existsSync(CHROMIUM);

let server: E2eServer;
let browser: Browser;
let page: Page;
let consoleErrors: ReturnType<typeof watchConsole>;
let call: { id: string; title: string };

beforeAll(async () => {
  if (!canRun) return;
  server = await startE2eServer();
  const { seedDemo } = await import('../../seeds/demo.ts');
  await seedDemo(server.db);
  const editor = await loginAs(server.server.app, 'redazione@demo.cruscotto.it', PASSWORD);
  call = await publishCall(
    server,
    editor,
    callInput({ title: 'Sportelli digitali lombardi', windows: [{ opensAt: daysFromNow(-2), closesAt: daysFromNow(40) }] }),
  );
  await server.db
    .insertInto('funding_awards')
    .values({
      comune_istat: '019035',
      source: 'test',
      application_key: 'crema-145',
      avviso: 'Avviso 1.4.5',
      measure_code: '1.4.5',
      measure_name: 'Notifiche digitali',
      amount: 59_966,
      status: 'assegnato',
      funded_on: '2023-05-01',
      cup: 'J11F22000000006',
    })
    .execute();
  browser = await launchBrowser();
  page = await openPage(browser);
  consoleErrors = watchConsole(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.runIf(canRun)('Regione reads the programme’s indicators', { timeout: 120_000 }, () => {
  it('answers "Ti è stato utile?" on a call page and finds the view and the answer among the indicators', async () => {
    await signIn(page, server.url, 'regione@demo.cruscotto.it', PASSWORD);
    await page.goto(`${server.url}/bandi/${call.id}`);
    await page.getByRole('group', { name: 'Ti è stato utile?' }).getByRole('button', { name: 'No' }).click();
    await page.getByLabel(/Vuoi aggiungere un commento/).fill('Manca il modello di domanda');
    await page.getByRole('button', { name: 'Invia la risposta' }).click();
    await expect.poll(() => page.locator('.useful-question').textContent()).toContain('Grazie');

    await page.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'Indicatori' }).click();
    await page.waitForURL(/\/indicatori/);
    const views = page.locator('.indicators-table tr[data-key="callPageViews"]');
    await expect.poll(() => views.locator('td').first().textContent()).toBe('1');
    expect(await views.locator('td').nth(1).textContent()).toBe('500');
    expect(await page.locator('.indicators-table tr[data-key="satisfaction"] td').first().textContent()).toBe('0%');
    expect(await page.getByText('Manca il modello di domanda').count()).toBe(1);
    // The printable report of the same period opens from the page.
    const href = await page.getByRole('link', { name: 'Apri il report stampabile del periodo' }).getAttribute('href');
    const report = await page.context().request.get(`${server.url}${href}`);
    expect(report.status()).toBe(200);
    expect(await report.text()).toContain('Report su avanzamento delle attività');
    await screenshot(page, 'indicatori-1280');
    expect(await axeViolations(page)).toEqual([]);
    expect(await overflowOnPhone(page)).toEqual([]);
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, 'indicatori-375');
    expect(consoleErrors.errors).toEqual([]);
  });

  it('reads a comune’s funding history on its page', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/comuni/019035`);
    const history = page.locator('.funding-history');
    await expect.poll(() => history.locator('tbody tr').count()).toBe(1);
    expect(await history.locator('tbody tr').textContent()).toMatch(
      /1\.4\.5 Notifiche digitali.*Avviso 1\.4\.5.*59\.966\s€.*Assegnato.*1 maggio 2023.*J11F22000000006/,
    );
    await screenshot(page, 'comune-finanziamenti-1280');
    expect(await axeViolations(page)).toEqual([]);
    expect(await overflowOnPhone(page)).toEqual([]);
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, 'comune-finanziamenti-375');
  });
});
