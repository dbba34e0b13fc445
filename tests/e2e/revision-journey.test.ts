/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { loginAs, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';
import { openPage, axeViolations, CHROMIUM, launchBrowser, overflowOnPhone, screenshot, watchConsole, signIn } from './browser.ts';
import { startE2eServer, type E2eServer } from './server.ts';

const PASSWORD = 'Cruscotto-Demo-2026';
const TITLE = 'Sportelli digitali per i comuni lombardi';
const BEFORE = 'Contributi ai comuni per aprire sportelli digitali.';
const AFTER = 'Contributi ai comuni per aprire sportelli digitali e formare il personale.';
const canRun = existsSync(CHROMIUM);
if (!canRun) console.log(`skipped the browser journeys: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let server: E2eServer;
let browser: Browser;
let page: Page;
let watched: ReturnType<typeof watchConsole>;
let callId: string;

async function expectAccessible(name: string) {
  await screenshot(page, name);
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(page, `${name}-375`);
  await page.setViewportSize({ width: 1280, height: 900 });
  expect(await page.locator('h1').count(), `one h1 on ${name}`).toBe(1);
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  expect(await overflowOnPhone(page), `${name} at 375 px`).toEqual([]);
}

async function login(email: string) {
  if (await page.getByRole('button', { name: 'Esci' }).count()) {
    await page.getByRole('button', { name: 'Esci' }).click();
    await page.waitForURL(/\/accedi/);
  }
  await signIn(page, server.url, email, PASSWORD);
}

const publicSummary = () => page.evaluate(async (id) => ((await (await fetch(`/api/v1/calls/${id}`)).json()) as { summary: string }).summary, callId);

/** A call published the reviewed way: written by one editor, approved and published by another. */
async function publishedCall(author: Agent, reviewer: Agent) {
  const send = (agent: Agent, url: string, body: object = {}) => agent.post(url).set('x-csrf-token', agent.csrf).send(body);
  const { body } = await send(
    author,
    '/api/v1/calls',
    callInput({
      title: TITLE,
      summary: BEFORE,
      themes: ['servizi.esperienza-cittadino'],
      programme: { kind: 'regionale', code: null },
      eligibility: { bodyTypes: ['comune'], territory: { regions: ['03'] }, aggregation: 'allowed', exclusions: [], conditions: [] },
      windows: [{ opensAt: daysFromNow(-2), closesAt: daysFromNow(40) }],
      money: { totalBudget: 5_000_000, amount: { kind: 'fixed', amount: 40_000 } },
    }),
  );
  await send(author, `/api/v1/calls/${body.id}/submit`).expect(200);
  await send(reviewer, `/api/v1/calls/${body.id}/approve`).expect(200);
  await send(reviewer, `/api/v1/calls/${body.id}/publish`).expect(200);
  return body.id as string;
}

beforeAll(async () => {
  if (!canRun) return;
  server = await startE2eServer({ REVIEW_REQUIRED: 'true' });
  const { seedDemo } = await import('../../seeds/demo.ts');
  await seedDemo(server.db);
  callId = await publishedCall(
    await loginAs(server.server.app, 'redazione@demo.cruscotto.it', PASSWORD),
    await loginAs(server.server.app, 'revisione@demo.cruscotto.it', PASSWORD),
  );
  await waitFor(
    async () =>
      (await server.db.selectFrom('matches').select('call_id').where('call_id', '=', callId).where('comune_istat', '=', '019035').executeTakeFirst()) !==
      undefined,
    30_000,
    'the call to be matched',
  );
  browser = await launchBrowser();
  page = await openPage(browser);
  watched = watchConsole(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.runIf(canRun)('a reviewed change of a published call, and a quicker editor', { timeout: 90_000 }, () => {
  it('keeps an editor’s change of a published call as a revision the public does not see', async () => {
    await login('redazione@demo.cruscotto.it');
    await page.getByRole('link', { name: 'Redazione' }).first().click();
    await page.getByRole('link', { name: /^Pubblicati \(\d+\)$/ }).click();
    await page.getByRole('link', { name: TITLE }).click();
    await page.waitForURL(`${server.url}/redazione/bandi/${callId}`);
    await page.getByLabel('Sintesi').waitFor();
    expect(await page.getByRole('button', { name: 'Salva la bozza' }).count()).toBe(0);
    await page.getByLabel('Sintesi').fill(AFTER);
    await page.getByLabel('Importo fisso (€)').fill('45000');
    await page.getByRole('button', { name: 'Salva la revisione' }).click();
    await expect.poll(() => page.locator('.call-notice').textContent()).toContain('Revisione salvata: il pubblico vede ancora la versione pubblicata.');
    expect(await page.locator('.call-revision .revision-status').textContent()).toBe('In bozza: da inviare in revisione');
    expect(await page.locator('.call-revision').textContent()).toContain('Cambieranno: sintesi, importi e risorse.');
    await expectAccessible('40-revisione-salvata');

    expect(await publicSummary()).toBe(BEFORE);
    await page.goto(`${server.url}/bandi/${callId}`);
    await expect.poll(() => page.locator('.lead').textContent()).toBe(BEFORE);
    expect(await page.locator('main').textContent()).toContain('40.000');
    expect(await page.locator('main').textContent()).not.toContain('45.000');
    await expectAccessible('41-pubblico-invariato');
  });

  it('sends the revision to review, where its author is not offered the approval, and the lists count it', async () => {
    await page.goto(`${server.url}/redazione/bandi/${callId}`);
    await page.getByRole('button', { name: 'Invia in revisione' }).click();
    await expect.poll(() => page.locator('.call-revision .revision-status').textContent()).toBe('In revisione: serve l’approvazione di un altro redattore');
    expect(await page.locator('.call-notice').textContent()).toBe('Modifiche inviate in revisione.');
    expect(await page.getByRole('button', { name: 'Approva le modifiche' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Pubblica le modifiche' }).count()).toBe(0);
    await page.getByRole('link', { name: '← Torna alla redazione' }).click();
    await page.getByRole('link', { name: 'In revisione (1)' }).click();
    const row = page.locator('.editorial-table tr', { hasText: TITLE });
    await expect.poll(() => row.textContent()).toContain('modifiche in revisione');
    expect(await row.textContent()).toContain('pubblicato');
    await expectAccessible('42-redazione-in-revisione');
  });

  it('lets a second editor approve and publish it: the public sees the change and the comuni are told', async () => {
    await login('revisione@demo.cruscotto.it');
    await page.getByRole('link', { name: 'Redazione' }).first().click();
    await page.getByRole('link', { name: 'In revisione (1)' }).click();
    await page.getByRole('link', { name: TITLE }).click();
    await page.getByRole('button', { name: 'Approva le modifiche' }).click();
    await expect.poll(() => page.locator('.call-revision .revision-status').textContent()).toBe('Approvate: pronte per la pubblicazione');
    expect(await page.locator('.call-notice').textContent()).toBe('Modifiche approvate: ora si possono pubblicare.');
    expect(await publicSummary()).toBe(BEFORE);
    const versions = await page.locator('.call-history > li').count();
    await page.getByRole('button', { name: 'Pubblica le modifiche' }).click();
    await expect.poll(() => page.locator('.call-revision').count()).toBe(0);
    expect(await page.locator('.call-notice').textContent()).toContain('Modifiche pubblicate: ora le vede il pubblico');
    // The history shows the new version without reloading the page.
    await expect.poll(() => page.locator('.call-history > li').count()).toBe(versions + 1);
    expect(await page.locator('.call-history > li').first().textContent()).toMatch(/sintesi/);
    expect(await page.getByLabel('Sintesi').inputValue()).toBe(AFTER);
    await expectAccessible('43-modifiche-pubblicate');
    expect(await publicSummary()).toBe(AFTER);

    const rtd = await server.db.selectFrom('users').select('id').where('email', '=', 'rtd.crema@demo.cruscotto.it').executeTakeFirstOrThrow();
    await waitFor(
      async () =>
        (await server.db
          .selectFrom('notifications')
          .select('id')
          .where('user_id', '=', rtd.id)
          .where('call_id', '=', callId)
          .where('event_key', 'like', 'changed:%')
          .executeTakeFirst()) !== undefined,
      30_000,
      'the material-change notice',
    );
  });

  it('opens a new window of the call as a draft with its rules, money, themes and links, dated the Italian way', async () => {
    await page.getByRole('link', { name: 'Nuova finestra da questo bando' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Nuova finestra');
    expect(await page.getByRole('textbox', { name: 'Titolo', exact: true }).inputValue()).toBe(TITLE);
    expect(await page.getByLabel('Importo fisso (€)').inputValue()).toBe('45.000');
    expect(await page.locator('#call-themes-chosen').textContent()).toContain('Esperienza del cittadino e siti web');
    expect(await page.getByLabel('Indirizzo del documento 1').inputValue()).toBe('https://padigitale2026.gov.it/misure/');
    expect(await page.getByLabel('Apertura finestra 1').inputValue()).toBe('');
    await page.getByRole('textbox', { name: 'Titolo', exact: true }).fill(`${TITLE}, seconda finestra`);
    await page.getByLabel('Apertura finestra 1').fill('1 febbraio 2027 ore 9');
    await page.getByLabel('Apertura finestra 1').blur();
    expect(await page.locator('#window-0-opens-read').textContent()).toBe('lunedì 1 febbraio 2027, ore 09:00 (ora di Roma)');
    await page.getByLabel('Chiusura finestra 1').fill('31/3/2027');
    await page.getByLabel('Chiusura finestra 1').blur();
    expect(await page.locator('#window-0-closes-read').textContent()).toBe('mercoledì 31 marzo 2027, ore 23:59 (ora di Roma)');
    await expectAccessible('44-nuova-finestra');
    await page.getByRole('button', { name: 'Salva la bozza' }).click();
    await page.waitForURL(/\/redazione\/bandi\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.locator('.editorial-status').textContent()).toBe('Bozza');
    const id = page.url().split('/').at(-1)!;
    expect(id).not.toBe(callId);
    const windows = await server.db.selectFrom('call_windows').select(['opens_at', 'closes_at']).where('call_id', '=', id).execute();
    expect(windows.map((w) => [w.opens_at.toISOString(), w.closes_at?.toISOString()])).toEqual([['2027-02-01T08:00:00.000Z', '2027-03-31T21:59:00.000Z']]);
  });

  it('previews the comuni the draft reaches, with their amount, and downloads them all as CSV', async () => {
    await page.getByRole('button', { name: 'Anteprima degli abbinamenti' }).click();
    const comuni = page.locator('.preview-comuni tbody tr');
    await expect.poll(() => comuni.count()).toBeGreaterThan(10);
    expect(await comuni.count()).toBeLessThanOrEqual(50);
    expect(await comuni.first().textContent()).toMatch(/45\.000\s€/);
    const reached = Number(/Raggiungerà ([\d.]+)/.exec((await page.locator('.preview-summary').textContent())!)![1]!.replace('.', ''));
    expect(await page.locator('.match-preview').textContent()).toContain('meno di 5.000 abitanti');
    await expectAccessible('45-anteprima-comuni');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Scarica tutti i comuni raggiunti in CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('anteprima-comuni-raggiunti.csv');
    const rows = readFileSync((await download.path())!, 'utf8')
      .replace(/\r\n$/, '')
      .split('\r\n');
    expect(rows[0]).toBe('\uFEFFCodice ISTAT;Comune;Provincia;Classe dimensionale;Partecipazione;Importo stimato minimo (€);Importo stimato massimo (€)');
    expect(rows).toHaveLength(reached + 1);
  });

  it('shows the RTD of a matched comune the notice of the change, and lets them pick alert themes with the same picker', async () => {
    await login('rtd.crema@demo.cruscotto.it');
    await page.goto(`${server.url}/avvisi`);
    await expect.poll(() => page.locator('main').textContent()).toContain(`Bando modificato: ${TITLE}`);
    await page.locator('#subscription-themes-search').fill('pago');
    await page.locator('label[for="subscription-themes-piattaforme.pagopa"]').click();
    await page.getByRole('button', { name: 'Salva le preferenze' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Preferenze salvate.' }).count()).toBe(1);
    const user = await server.db.selectFrom('users').select('id').where('email', '=', 'rtd.crema@demo.cruscotto.it').executeTakeFirstOrThrow();
    const subscription = await server.db.selectFrom('alert_subscriptions').select('themes').where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(subscription.themes).toEqual(['piattaforme.pagopa']);
    await expectAccessible('46-avvisi-temi');
  });

  it('ends without console errors or failed requests', () => {
    expect(watched.errors).toEqual([]);
    expect(watched.failedRequests).toEqual([]);
  });
});
