/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, axeViolations, CHROMIUM, launchBrowser, overflowOnPhone, screenshot, SCREENSHOTS, watchConsole, signIn } from './browser.ts';
import { startE2eServer, type E2eServer } from './server.ts';

const PASSWORD = 'Cruscotto-Demo-2026';
const RTD = 'rtd.crema@demo.cruscotto.it';
const CREMA = '019035';
const TITLE = 'Rete Wi-Fi nelle scuole primarie';
const canRun = existsSync(CHROMIUM);
if (!canRun) console.log(`skipped the browser journeys: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let server: E2eServer;
let browser: Browser;
let page: Page;
let consoleErrors: ReturnType<typeof watchConsole>;
let exported: string;

const report = () => page.locator('.programming-import-report');
const reportText = async () => ((await report().textContent()) ?? '').replace(/\s+/g, ' ');

async function importFile(name: string, content: string) {
  await page.locator('#programming-csv').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(content, 'utf8') });
  await page.getByRole('button', { name: 'Importa', exact: true }).click();
  await report().waitFor();
}

/** The page and, closer up, its CSV section at 1280 and 375 px, with axe and the phone's overflow checked. */
async function expectAccessible(name: string) {
  const section = page.locator('section[aria-labelledby="csv-title"]');
  await screenshot(page, `${name}-1280`);
  await section.screenshot({ path: join(SCREENSHOTS, `${name}-sezione-1280.png`) });
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(page, `${name}-375`);
  await section.screenshot({ path: join(SCREENSHOTS, `${name}-sezione-375.png`) });
  await page.setViewportSize({ width: 1280, height: 900 });
  expect(await overflowOnPhone(page), `${name} at 375 px`).toEqual([]);
}

beforeAll(async () => {
  if (!canRun) return;
  server = await startE2eServer();
  const { seedDemo } = await import('../../seeds/demo.ts');
  await seedDemo(server.db);
  browser = await launchBrowser();
  page = await openPage(browser);
  consoleErrors = watchConsole(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.runIf(canRun)('an RTD keeping the plan in a spreadsheet', { timeout: 60_000 }, () => {
  it('adds an intervention through the form, leaving the code to the product', async () => {
    await signIn(page, server.url, RTD, PASSWORD);
    await page.getByRole('link', { name: 'Profilo e programmazione' }).first().click();
    await page.locator('.programming-table').waitFor();
    await page.getByLabel('Titolo dell’intervento').fill(TITLE);
    expect(await page.getByLabel('Codice').inputValue()).toBe('');
    await page.locator('label[for=item-themes-sicurezza]').click();
    await page.getByLabel('Costo stimato (€)').fill('32000');
    await page.locator('section[aria-labelledby="item-form-title"]').screenshot({ path: join(SCREENSHOTS, 'programmazione-modulo-1280.png') });
    await page.getByRole('button', { name: 'Aggiungi l’intervento' }).click();
    await expect
      .poll(() =>
        page
          .getByRole('status')
          .filter({ hasText: `Intervento «${TITLE}» aggiunto` })
          .count(),
      )
      .toBe(1);
    const row = page.locator('.programming-table tr', { hasText: TITLE });
    expect(await row.textContent()).toMatch(/PT-\d{4}-\d{2} · \d{4}–\d{4}/);
    expect(await row.textContent()).toMatch(/32\.000\s€/);
    expect(await page.getByLabel('Titolo dell’intervento').inputValue()).toBe('');
  });

  it('exports the plan and imports the same file back: every row unchanged', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Esporta il piano in CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`programmazione-${CREMA}.csv`);
    exported = readFileSync((await download.path())!, 'utf8');
    expect(exported).toContain(TITLE);
    const rows =
      exported
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n').length - 1;
    const items = await server.db
      .selectFrom('programming_items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('comune_istat', '=', CREMA)
      .executeTakeFirstOrThrow();
    expect(rows).toBe(Number(items.n));

    await importFile(`programmazione-${CREMA}.csv`, exported);
    expect(await reportText()).toContain(`Lette ${rows} righe: tutte invariate, il piano era già uguale al file.`);
    expect(await reportText()).not.toContain('[object Object]');
    await expectAccessible('programmazione-import-invariato');
  });

  it('imports a file with an out-of-range amount and a bad line: each is listed with its number and reason, the valid rows are applied', async () => {
    const [header, ...lines] = exported
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    const file = [
      header,
      ...lines.map((line) => (line.includes(TITLE) ? line.replace('32000,00', '35000,00') : line)),
      'PT-2026-90;Sportello telematico per l’edilizia;;sicurezza;2026;2026;"-1.500";;;;',
      'riga senza senso',
      'PT-2026-91;Archivio digitale delle pratiche;;sicurezza;2026;2027;"12.000";alta;;;',
    ].join('\r\n');
    const outOfRange = lines.length + 2;
    await importFile('programmazione-corretta.csv', file);

    const text = await reportText();
    expect(text).toContain(`Lette ${lines.length + 3} righe: 1 intervento aggiunto, 1 aggiornato, ${lines.length - 1} invariati, 2 righe scartate.`);
    expect(text).toContain(`Riga ${outOfRange}: costo stimato fuori dall'intervallo ammesso (da 0 a 100.000.000.000 euro): "-1.500"`);
    expect(text).toContain(`Riga ${outOfRange + 1}: titolo mancante`);
    expect(text).not.toContain('[object Object]');
    await expect.poll(() => page.locator('.programming-table tr', { hasText: 'Archivio digitale delle pratiche' }).count()).toBe(1);
    expect(await page.locator('.programming-table tr', { hasText: TITLE }).textContent()).toMatch(/35\.000\s€/);
    expect(await page.locator('.programming-table').textContent()).not.toContain('Sportello telematico');
    await expectAccessible('programmazione-import-scarti');
  });

  it('ends without console errors or failed requests', () => {
    expect(consoleErrors.errors).toEqual([]);
    expect(consoleErrors.failedRequests).toEqual([]);
  });
});
