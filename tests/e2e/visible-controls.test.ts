/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { loginAs } from '../helpers/identity.ts';
import { axeViolations, CHROMIUM, launchBrowser, openPage, screenshot, watchConsole } from './browser.ts';
import { controlsWithoutBoundary, requiredControlCount, requiredMarkProblems, visibleControlCount } from './controls.ts';
import { startE2eServer, type E2eServer } from './server.ts';

const PASSWORD = 'Cruscotto-Demo-2026';
const canRun = existsSync(CHROMIUM);
if (!canRun) console.log(`skipped the browser journeys: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let server: E2eServer;
let browser: Browser;
let page: Page;
let watched: ReturnType<typeof watchConsole>;
let approvedCallId: string;
let publishedCallId: string;

/**
 * Every visible control of the page shows its boundary, at 1280 px and on a 375 px phone; the `required`
 * ones (as many as the API requires there) carry the asterisk and their form the note, the optional ones
 * no asterisk; the page passes axe; screenshots of both widths are kept for a person to look at.
 */
async function expectVisibleControls(name: string, minimum = 1, required = 0) {
  await page.locator('main h1').waitFor();
  await page.waitForLoadState('networkidle');
  expect(await visibleControlCount(page), `controls on ${name}`).toBeGreaterThanOrEqual(minimum);
  expect(await requiredControlCount(page), `required controls on ${name}`).toBe(required);
  expect(await requiredMarkProblems(page), `required fields on ${name}`).toEqual([]);
  expect(await controlsWithoutBoundary(page), `controls without a visible boundary on ${name}`).toEqual([]);
  await screenshot(page, `form-${name}`);
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  await page.setViewportSize({ width: 375, height: 800 });
  expect(await controlsWithoutBoundary(page), `controls without a visible boundary on ${name} at 375 px`).toEqual([]);
  await screenshot(page, `form-${name}-375`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function visit(path: string) {
  await page.goto(`${server.url}${path}`);
}

async function login(email: string) {
  await page.context().clearCookies();
  await visit('/accedi');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/accedi'));
}

beforeAll(async () => {
  if (!canRun) return;
  server = await startE2eServer();
  const { seedDemo } = await import('../../seeds/demo.ts');
  await seedDemo(server.db);
  // A call waiting to be published shows the editor's scheduling date.
  const editor = await loginAs(server.server.app, 'redazione@demo.cruscotto.it', PASSWORD);
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(callInput({ title: 'Bando da programmare', windows: [{ opensAt: daysFromNow(1), closesAt: daysFromNow(60) }] }));
  approvedCallId = body.id;
  await editor.post(`/api/v1/calls/${approvedCallId}/submit`).set('x-csrf-token', editor.csrf).expect(200);
  await editor.post(`/api/v1/calls/${approvedCallId}/approve`).set('x-csrf-token', editor.csrf).expect(200);
  // A published call offers its withdrawal, whose dialog asks for the reason.
  publishedCallId = (
    await editor
      .post('/api/v1/calls')
      .set('x-csrf-token', editor.csrf)
      .send(callInput({ title: 'Bando da ritirare' }))
      .expect(201)
  ).body.id;
  for (const step of ['submit', 'approve', 'publish'])
    await editor.post(`/api/v1/calls/${publishedCallId}/${step}`).set('x-csrf-token', editor.csrf).expect(200);
  browser = await launchBrowser();
  page = await openPage(browser);
  watched = watchConsole(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.runIf(canRun)('every form of the SPA shows its controls', { timeout: 90_000 }, () => {
  it('on the pages open to everyone: login, password forgotten and reset, invitation, search, front door', async () => {
    await visit('/accedi');
    await expectVisibleControls('accedi', 2, 2);
    await visit('/password-dimenticata');
    await expectVisibleControls('password-dimenticata', 1, 1);
    await visit('/reimposta-password#un-token');
    await expectVisibleControls('reimposta-password', 2, 2);
    await visit('/invito#un-token');
    await expectVisibleControls('invito', 2, 2);
    await visit('/cerca');
    await expectVisibleControls('cerca', 2);
    await visit('/');
    await expectVisibleControls('home');
  });

  it('for an RTD: opportunity filters, all my comuni, profile and programming, alerts, webhook, saved search', async () => {
    await login('rtd.cremasco@demo.cruscotto.it');
    await visit('/opportunita');
    await expectVisibleControls('opportunita', 3);
    await visit('/tutti-i-miei-comuni');
    await expectVisibleControls('tutti-i-miei-comuni', 4);
    await login('rtd.crema@demo.cruscotto.it');
    await visit('/profilo');
    await page.getByLabel('Titolo dell’intervento').waitFor();
    await expectVisibleControls('profilo', 8, 3);
    // A contact needs a name and a role: the profile's form then shows the note too.
    await page.getByRole('button', { name: 'Aggiungi un referente' }).click();
    await expectVisibleControls('profilo-referente', 8, 5);
    await visit('/avvisi');
    await page.getByLabel('Indirizzo del webhook', { exact: false }).first().waitFor();
    await expectVisibleControls('avvisi', 2, 6);
    await visit('/cerca');
    await page.getByLabel('Salva questa ricerca con il nome').waitFor();
    await expectVisibleControls('cerca-ricerca-salvata', 3, 1);
  });

  it('for an editor: every kind of amount, windows and documents of the call editor, scheduling, sources', async () => {
    await login('redazione@demo.cruscotto.it');
    await visit('/redazione');
    await page.locator('main h1').waitFor();
    await visit('/redazione/bandi/nuovo');
    await page.getByRole('button', { name: 'Aggiungi un documento' }).click();
    await page.getByLabel('Importo per comune').selectOption('fixed');
    await expectVisibleControls('bando-importo-fisso', 15, 8);
    await page.getByLabel('Importo per comune').selectOption('range');
    await expectVisibleControls('bando-importo-intervallo', 15, 9);
    await page.getByLabel('Importo per comune').selectOption('brackets');
    await expectVisibleControls('bando-importo-fasce', 15, 11);
    await visit(`/redazione/bandi/${approvedCallId}`);
    await page.getByLabel('Pubblica il').waitFor();
    await expectVisibleControls('bando-da-programmare', 15, 14);
    await visit('/redazione/fonti');
    await page.getByRole('heading', { name: 'Importazioni recenti' }).waitFor();
    await expectVisibleControls('fonti', 0);
    await visit(`/redazione/bandi/${publishedCallId}`);
    await page.getByRole('button', { name: 'Ritira', exact: true }).click();
    await page.getByLabel('Motivo del ritiro').waitFor();
    await expectVisibleControls('bando-ritiro', 15, 14);
  });

  it('for the Region and an administrator: coverage, users, invitations, aggregations, themes', async () => {
    await login('regione@demo.cruscotto.it');
    await visit('/copertura');
    await expectVisibleControls('copertura', 2);
    await visit('/opportunita');
    await expectVisibleControls('opportunita-regione', 1);
    await login('admin@demo.cruscotto.it');
    await visit('/amministrazione?sezione=utenti');
    await page.locator('.users-table').waitFor();
    await page.locator('.users-table').getByRole('button').first().click();
    await page.getByLabel('Codice ISTAT del comune da aggiungere').waitFor();
    await expectVisibleControls('amministrazione-utenti', 5, 4);
    for (const [section, minimum, required] of [
      ['inviti', 4, 3],
      ['aggregazioni', 3, 2],
      ['temi', 2, 2],
    ] as const) {
      await visit(`/amministrazione?sezione=${section}`);
      await page.locator('main form').first().waitFor();
      await expectVisibleControls(`amministrazione-${section}`, minimum, required);
    }
    expect(watched.errors).toEqual([]);
  });
});
