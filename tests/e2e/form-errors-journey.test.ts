/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, CHROMIUM, launchBrowser, openPage, screenshot, watchConsole, signIn } from './browser.ts';
import { startE2eServer, type E2eServer } from './server.ts';

const canRun = existsSync(CHROMIUM);
if (!canRun) console.log(`skipped the browser journeys: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let server: E2eServer;
let browser: Browser;
let page: Page;
let watched: ReturnType<typeof watchConsole>;

/** The summary's links, as the editor reads them. */
const summaryLinks = () => page.locator('.error-summary a').allTextContents();
const messageBeside = async (label: string) => {
  // The label, whole, or followed by the asterisk of a required field.
  const control = page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\*?$`));
  expect(await control.getAttribute('aria-invalid'), `${label} is marked invalid`).toBe('true');
  return page.locator(`#${await control.getAttribute('aria-describedby')}`).textContent();
};

async function expectAccessible(name: string) {
  await screenshot(page, name);
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
}

beforeAll(async () => {
  if (!canRun) return;
  server = await startE2eServer();
  const { seedDemo } = await import('../../seeds/demo.ts');
  await seedDemo(server.db);
  browser = await launchBrowser();
  page = await openPage(browser);
  watched = watchConsole(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.runIf(canRun)('an editor’s mistakes in the call editor', { timeout: 60_000 }, () => {
  it('are each shown beside their field and in a summary that takes the focus and titles the page', async () => {
    await signIn(page, server.url, 'redazione@demo.cruscotto.it', 'Cruscotto-Demo-2026');
    await page.goto(`${server.url}/redazione/bandi/nuovo`);
    await page.getByLabel(/^Titolo/).fill('Archivi digitali dei comuni lombardi');
    await page.getByRole('group', { name: 'Temi', exact: true }).locator('.form-check label').first().click();
    await page.getByLabel('Regioni (codici ISTAT, es. 03)').fill('3');
    await page.getByLabel('Regioni (codici ISTAT, es. 03)').blur();
    await page.getByLabel('Importo per comune').selectOption('brackets');
    await page.getByLabel('Fascia 2: da abitanti').fill('8000');
    await page.getByLabel('Fascia 1: importo in euro').fill('15.000');
    await page.getByLabel('Fascia 2: importo in euro').fill('30000');
    // One document with its address but no title, one row added and left blank.
    await page.getByRole('button', { name: 'Aggiungi un documento' }).click();
    await page.getByLabel('Indirizzo del documento 1').fill('https://www.regione.lombardia.it/avviso-archivi.pdf');
    await page.getByRole('button', { name: 'Aggiungi un documento' }).click();
    await page.getByRole('button', { name: 'Salva la bozza' }).click();

    await expect
      .poll(summaryLinks)
      .toEqual(['Regioni (codici ISTAT, es. 03): Non è nel formato atteso.', 'Titolo del documento 1: Deve contenere almeno 1 carattere.']);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    expect(await page.title()).toMatch(/^Errore: /);
    expect(await messageBeside('Titolo del documento 1')).toBe('Errore: Deve contenere almeno 1 carattere.');
    expect(await messageBeside('Regioni (codici ISTAT, es. 03)')).toBe('Errore: Non è nel formato atteso.');
    expect(await page.getByLabel('Titolo del documento 2').count(), 'the blank row is not sent').toBe(0);
    await expectAccessible('40-bando-errori-campi');
    await page.locator('.error-summary a').first().click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('territory-regions');

    await page.getByLabel('Regioni (codici ISTAT, es. 03)').fill('03');
    await page.getByLabel('Regioni (codici ISTAT, es. 03)').blur();
    await page.getByLabel('Titolo del documento 1').fill('Avviso');
    await page.getByRole('button', { name: 'Salva la bozza' }).click();
    await expect.poll(summaryLinks).toEqual(['Fascia 2: da abitanti: Buco tra le fasce 1 e 2: nessun importo da 5.001 a 7.999 abitanti.']);
    expect(await messageBeside('Fascia 2: da abitanti')).toBe('Errore: Buco tra le fasce 1 e 2: nessun importo da 5.001 a 7.999 abitanti.');
    await expectAccessible('41-bando-errore-fasce');

    await page.getByLabel('Fascia 2: da abitanti').fill('5001');
    await page.getByRole('button', { name: 'Salva la bozza' }).click();
    await page.waitForURL(/\/redazione\/bandi\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.locator('.error-summary').count()).toBe(0);
    expect(await page.title()).not.toMatch(/^Errore/);
    expect(await page.getByLabel('Fascia 1: importo in euro').inputValue()).toBe('15.000');
  });

  it('once fixed, the call is published by its author (no second review in this configuration)', async () => {
    await page.getByRole('button', { name: 'Invia in revisione' }).click();
    await page.getByRole('button', { name: 'Approva' }).click();
    await page.getByRole('button', { name: 'Pubblica ora' }).click();
    await expect.poll(() => page.locator('.editorial-status').textContent()).toBe('Pubblicato');
    const id = page.url().split('/').at(-1)!;
    const published = await page.evaluate(
      async (callId) => (await (await fetch(`/api/v1/calls/${callId}`)).json()) as { links: unknown[]; eligibility: { territory: unknown } },
      id,
    );
    expect(published.links).toEqual([{ label: 'Avviso', url: 'https://www.regione.lombardia.it/avviso-archivi.pdf' }]);
    expect(published.eligibility.territory).toEqual({ regions: ['03'] });
    await expectAccessible('42-bando-pubblicato');
  });

  it('a malformed call address says the call was not found', async () => {
    await page.goto(`${server.url}/bandi/abc`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Bando non trovato');
    await page.goto(`${server.url}/redazione/bandi/abc`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Bando non trovato');
    await expectAccessible('43-bando-non-trovato');
    expect(watched.errors).toEqual([]);
  });
});
