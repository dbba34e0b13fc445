/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/processes.ts';
import { openPage, axeViolations, CHROMIUM, launchBrowser, overflowOnPhone, screenshot, watchConsole, signIn } from './browser.ts';
import { startE2eServer, type E2eServer } from './server.ts';

const PASSWORD = 'Cruscotto-Demo-2026';
const canRun = existsSync(CHROMIUM);
if (!canRun) console.log(`skipped the browser journeys: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let server: E2eServer;
let browser: Browser;
let page: Page;
let watched: ReturnType<typeof watchConsole>;
let callUrl: string;
let invitationLink: string;

async function expectAccessible(name: string) {
  await screenshot(page, name);
  expect(await page.locator('h1').count(), `one h1 on ${name}`).toBe(1);
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  expect(await overflowOnPhone(page), `${name} at 375 px`).toEqual([]);
}

async function login(email: string) {
  await signIn(page, server.url, email, PASSWORD);
}

beforeAll(async () => {
  if (!canRun) return;
  server = await startE2eServer({ REVIEW_REQUIRED: 'true' });
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

describe.runIf(canRun)('editors in the browser', { timeout: 60_000 }, () => {
  it('draft a call, with its bracket table checked as they type and errors next to the fields', async () => {
    await login('redazione@demo.cruscotto.it');
    await page.getByRole('link', { name: 'Redazione' }).first().click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Redazione');
    await expectAccessible('20-redazione');
    await page.getByRole('link', { name: 'Nuovo bando' }).click();
    await page.getByRole('button', { name: 'Salva la bozza' }).click();
    await expect.poll(() => page.locator('#call-title-error').textContent()).not.toBe('');
    await expectAccessible('21-bando-errori');

    await page.getByLabel('Titolo').fill('Biblioteche digitali nei comuni lombardi');
    await page.getByLabel('Sintesi').fill('Contributi per digitalizzare i cataloghi delle biblioteche comunali.');
    // The themes picker: a search box narrows the boxes grouped by area.
    await page.getByLabel('Cerca un tema').fill('cittadino');
    expect(await page.locator('.theme-picker input[type=checkbox]').count()).toBe(2);
    await page.locator('label', { hasText: 'Esperienza del cittadino e siti web' }).click();
    await expect.poll(() => page.locator('#call-themes-chosen').textContent()).toContain('Scelti (1): Esperienza del cittadino e siti web');
    await page.getByLabel('Regioni (codici ISTAT, es. 03)').fill('03');
    await page.getByLabel('Regioni (codici ISTAT, es. 03)').blur();
    await page.getByLabel('Importo per comune').selectOption('brackets');
    await page.getByLabel('Fascia 2: da abitanti').fill('8000');
    await expect.poll(() => page.locator('.bracket-problems').textContent()).toContain('Nessuna fascia copre i comuni da 5.001 a 7.999 abitanti.');
    await page.getByLabel('Fascia 2: da abitanti').fill('5001');
    await expect.poll(() => page.locator('.bracket-problems').count()).toBe(0);
    await page.getByLabel('Fascia 1: importo in euro').fill('15000');
    await page.getByLabel('Fascia 2: importo in euro').fill('30000');
    // Dates the Italian way, read back in Rome time.
    await page.getByLabel('Chiusura finestra 1').fill('31/03/2027 ore 17');
    await page.getByLabel('Chiusura finestra 1').blur();
    expect(await page.locator('#window-0-closes-read').textContent()).toBe('mercoledì 31 marzo 2027, ore 17:00 (ora di Roma)');
    await page.getByRole('button', { name: 'Salva la bozza' }).click();
    await page.waitForURL(/\/redazione\/bandi\/[0-9a-f-]{36}$/);
    callUrl = page.url();
    await expect.poll(() => page.locator('.editorial-status').textContent()).toBe('Bozza');
  });

  it('preview the comuni a draft would reach, then send it to review', async () => {
    await page.getByRole('button', { name: 'Anteprima degli abbinamenti' }).click();
    await expect.poll(() => page.locator('.preview-summary').textContent()).toMatch(/Raggiungerà \d+ comuni, \d+ solo in forma associata/);
    expect(Number(/Raggiungerà (\d+)/.exec((await page.locator('.preview-summary').textContent())!)![1])).toBeGreaterThan(10);
    await expectAccessible('22-anteprima');
    await page.getByRole('button', { name: 'Invia in revisione' }).click();
    await expect.poll(() => page.locator('.editorial-status').textContent()).toBe('In revisione');
    // The author is not offered the approval of their own call, and is told why.
    expect(await page.getByRole('button', { name: 'Approva' }).count()).toBe(0);
    expect(await page.locator('.call-workflow').textContent()).toContain('L’approvazione spetta a un altro redattore');
  });

  it('let a second editor approve and publish it, and matching reaches the comuni', async () => {
    await page.getByRole('button', { name: 'Esci' }).click();
    await page.waitForURL(/\/accedi/);
    await login('revisione@demo.cruscotto.it');
    await page.getByRole('link', { name: 'Redazione' }).first().click();
    await page.getByRole('link', { name: /^In revisione \(\d+\)$/ }).click();
    await page.getByRole('link', { name: 'Biblioteche digitali nei comuni lombardi' }).click();
    await page.waitForURL(callUrl);
    await page.getByRole('button', { name: 'Approva', exact: true }).click();
    await expect.poll(() => page.locator('.editorial-status').textContent()).toBe('Approvato');
    await page.getByRole('button', { name: 'Pubblica ora' }).click();
    await expect.poll(() => page.locator('.editorial-status').textContent()).toBe('Pubblicato');
    await expectAccessible('23-pubblicato');
    await page.getByRole('link', { name: '← Torna alla redazione' }).click();
    await page.getByRole('link', { name: 'Fonti e importazioni' }).click();
    await page.getByRole('heading', { name: 'Importazioni recenti' }).waitFor();
    await expectAccessible('25-fonti');
    const id = callUrl.split('/').at(-1)!;
    await waitFor(
      async () => (await server.db.selectFrom('matches').select('call_id').where('call_id', '=', id).executeTakeFirst()) !== undefined,
      20_000,
      'matches of the published call',
    );
  });

  it('keep a change of the published call as a revision the public does not see, until it is reviewed', async () => {
    await page.goto(callUrl);
    await page.getByLabel('Sintesi').fill('Contributi per digitalizzare i cataloghi e i prestiti delle biblioteche comunali.');
    expect(await page.getByRole('button', { name: 'Salva la bozza' }).count()).toBe(0);
    expect(await page.locator('#call-save-hint').textContent()).toContain('visibili dopo la revisione di un altro redattore');
    await page.getByRole('button', { name: 'Salva la revisione' }).click();
    await expect.poll(() => page.locator('.call-revision .revision-status').textContent()).toBe('In bozza: da inviare in revisione');
    expect(await page.locator('.call-revision').textContent()).toContain('Cambieranno: sintesi.');
    await expectAccessible('26-revisione');
    await page.getByRole('button', { name: 'Invia in revisione' }).click();
    await expect.poll(() => page.locator('.call-revision .revision-status').textContent()).toBe('In revisione: serve l’approvazione di un altro redattore');
    // Whoever wrote the revision is not offered its approval.
    expect(await page.getByRole('button', { name: 'Approva le modifiche' }).count()).toBe(0);
    const id = callUrl.split('/').at(-1)!;
    const live = await page.evaluate(async (callId) => (await (await fetch(`/api/v1/calls/${callId}`)).json()) as { summary: string }, id);
    expect(live.summary).toBe('Contributi per digitalizzare i cataloghi delle biblioteche comunali.');
    await page.getByRole('button', { name: 'Scarta le modifiche' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Scarta le modifiche' }).click();
    await expect.poll(() => page.locator('.call-revision').count()).toBe(0);
    expect(await page.getByLabel('Sintesi').inputValue()).toBe('Contributi per digitalizzare i cataloghi delle biblioteche comunali.');
  });

  it('let a viewer of the Region see the coverage and export it as CSV', async () => {
    await page.getByRole('button', { name: 'Esci' }).click();
    await page.waitForURL(/\/accedi/);
    await login('regione@demo.cruscotto.it');
    // A feed's or an e-mail's link names the comune to open on.
    const sondrio = await server.db
      .selectFrom('comuni')
      .select(['istat', 'name'])
      .where('province_sigla', '=', 'SO')
      .orderBy('istat')
      .executeTakeFirstOrThrow();
    await page.goto(`${server.url}/opportunita?comune=${sondrio.istat}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(`Le mie opportunità: ${sondrio.name}`);
    await page.getByRole('link', { name: 'Copertura' }).first().click();
    await expect.poll(() => page.locator('.uncovered-summary').textContent()).toMatch(/\d+ comuni su \d+ non hanno oggi alcun bando aperto/);
    expect(await page.locator('.bar-chart canvas').getAttribute('role')).toBe('img');
    const [uncovered] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Scarica l’elenco in CSV' }).click()]);
    expect(uncovered.suggestedFilename()).toBe('comuni-senza-bandi.csv');
    expect(readFileSync((await uncovered.path())!, 'utf8')).toMatch(/^\uFEFFCodice ISTAT;Comune;Provincia;Classe dimensionale;Popolazione legale\r\n/);
    await page.getByLabel('Bando aperto').selectOption({ label: 'Biblioteche digitali nei comuni lombardi' });
    await expect.poll(() => page.locator('.reach-summary').textContent()).toMatch(/^\s*\d+ comuni \(\d+ solo in forma associata\)/);
    const [reached] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Scarica i comuni raggiunti in CSV' }).click()]);
    const rows = readFileSync((await reached.path())!, 'utf8')
      .replace(/\r\n$/, '')
      .split('\r\n');
    expect(rows[0]).toBe('\uFEFFCodice ISTAT;Comune;Provincia;Classe dimensionale;Partecipazione;Pertinenza;Importo stimato massimo (€)');
    expect(rows.length).toBeGreaterThan(10);
    await expectAccessible('24-copertura');
  });

  it('let an administrator manage users, invitations, aggregations and themes, and read the outbox', async () => {
    await page.getByRole('button', { name: 'Esci' }).click();
    await page.waitForURL(/\/accedi/);
    await login('admin@demo.cruscotto.it');
    await page.getByRole('link', { name: 'Amministrazione' }).first().click();
    await page.locator('.users-table').waitFor();
    await page.getByLabel('E-mail').fill('non-una-email');
    await page.getByLabel('Nome e cognome').fill('Nuova RTD');
    await page.getByRole('button', { name: 'Crea l’utente' }).click();
    await expect.poll(() => page.locator('#new-user-email-error').textContent()).not.toBe('');
    await expectAccessible('30-amministrazione-utenti');
    await page.getByRole('link', { name: 'Inviti' }).click();
    await page.getByLabel('E-mail').fill('nuova.rtd@comune.example.it');
    await page.getByLabel('Nome e cognome').fill('Nuova RTD');
    await page.getByLabel('Comuni (codici ISTAT)').fill('019035');
    await page.getByRole('button', { name: 'Invia l’invito' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Invito inviato a nuova.rtd@comune.example.it.' }).count()).toBe(1);
    await expectAccessible('31-amministrazione-inviti');
    await page.getByRole('link', { name: 'Aggregazioni' }).click();
    await page.getByRole('heading', { name: 'Nuova aggregazione' }).waitFor();
    await expectAccessible('32-amministrazione-aggregazioni');
    await page.getByRole('link', { name: 'Temi' }).click();
    await page.getByRole('heading', { name: 'Nuovo tema' }).waitFor();
    await expectAccessible('33-amministrazione-temi');
    await page.getByRole('link', { name: 'Posta e invii' }).click();
    await page
      .locator('.outbox-list li', { hasText: 'nuova.rtd@comune.example.it' })
      .getByRole('button', { name: 'Invito al Cruscotto digitale dei comuni' })
      .click();
    await page.getByRole('dialog').waitFor();
    invitationLink = /http:\/\/\S+\/invito#\S+/.exec((await page.locator('.outbox-text').textContent())!)![0];
    await expectAccessible('34-amministrazione-posta');
    await page.getByRole('button', { name: 'Chiudi', exact: true }).click();
  });

  it('let the invited RTD activate their access from the e-mail’s link', async () => {
    await page.getByRole('button', { name: 'Esci' }).click();
    await page.waitForURL(/\/accedi/);
    await page.goto(invitationLink);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Attiva il tuo accesso');
    await page.getByLabel('Nuova password').fill('Biblioteca-Crema-2026');
    await page.getByLabel('Ripeti la password').fill('Biblioteca-Crema-2025');
    await page.getByRole('button', { name: 'Attiva l’accesso' }).click();
    await expect.poll(() => page.locator('#invitation-repeated-error').textContent()).toBe('Errore: Le due password non coincidono.');
    await expectAccessible('35-invito-errore');
    await page.getByLabel('Ripeti la password').fill('Biblioteca-Crema-2026');
    await page.getByRole('button', { name: 'Attiva l’accesso' }).click();
    await page.waitForURL(/\/opportunita/);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Le mie opportunità: Crema');
    expect(await page.locator('.it-header-slim-wrapper').textContent()).toContain('Nuova RTD');
  });

  it('ends without console errors, and with no failed request but those it provoked', () => {
    expect(watched.errors).toEqual([]);
    expect(watched.failedRequests).toEqual([
      expect.stringMatching(/^4(00|22) POST \/api\/v1\/calls$/),
      expect.stringMatching(/^4(00|22) POST \/api\/v1\/users$/),
    ]);
  });
});
