/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import ICAL from 'ical.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../server/src/modules/auth/users.service.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { fundingFile } from '../helpers/funding.ts';
import { loginAs, type Agent } from '../helpers/identity.ts';
import { openPage, axeViolations, CHROMIUM, launchBrowser, overflowOnPhone, screenshot, watchConsole, signIn } from './browser.ts';
import { publishCall, startE2eServer, type E2eServer } from './server.ts';

const PASSWORD = 'Cruscotto-Demo-2026';
// Pandino and Offanengo belong to the demo's associated RTD office of the Cremasco.
const PANDINO = '019067';
const OFFANENGO = '019062';
const RTD = 'rtd@comune.pandino.cr.it';
const STAFF = 'sara.bianchi@comune.pandino.cr.it';
const OFFICE_RTD = 'rtd.cremasco@demo.cruscotto.it';
const TITLE = 'Avviso Misura 1.4.1 Esperienza del cittadino nei servizi pubblici - Comuni';
const CUP = 'J61F26000120006';
const DECREE = '2026-10-01';
const canRun = existsSync(CHROMIUM);
if (!canRun) console.log(`skipped the browser journeys: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let server: E2eServer;
let browser: Browser;
let admin: Agent;
let callId: string;
const consoles: ReturnType<typeof watchConsole>[] = [];

/** A person's own browser window, signed in. */
async function personPage(email: string): Promise<Page> {
  const page = await openPage(browser);
  consoles.push(watchConsole(page));
  await signIn(page, server.url, email, PASSWORD);
  return page;
}

/** The page at 1280 and 375 px, with axe and the phone's overflow checked at both. */
async function expectAccessible(page: Page, name: string) {
  await screenshot(page, `${name}-1280`);
  expect(await page.locator('h1').count(), `one h1 on ${name}`).toBe(1);
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(page, `${name}-375`);
  expect(await overflowOnPhone(page), `${name} at 375 px`).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 900 });
}

const application = (page: Page) => page.goto(`${server.url}/candidature/${PANDINO}/${callId}`);

beforeAll(async () => {
  if (!canRun) return;
  server = await startE2eServer();
  const { seedDemo } = await import('../../seeds/demo.ts');
  await seedDemo(server.db);
  await server.db.transaction().execute(async (trx) => {
    await createUser(trx, null, { email: RTD, name: 'Luca Ferri', role: 'rtd', password: PASSWORD, comuni: [PANDINO] });
    await createUser(trx, null, { email: STAFF, name: 'Sara Bianchi', role: 'staff', password: PASSWORD, comuni: [PANDINO] });
  });
  // The demo seed holds comuni and people, not calls: the journey's call is published as the editors do.
  const editor = await loginAs(server.server.app, 'redazione@demo.cruscotto.it', PASSWORD);
  callId = (
    await publishCall(
      server,
      editor,
      callInput({
        title: TITLE,
        programme: { kind: 'pnrr', code: 'M1C1I1.4.1' },
        themes: ['servizi.esperienza-cittadino'],
        windows: [{ opensAt: daysFromNow(-5), closesAt: daysFromNow(60) }],
      }),
      { comuni: [PANDINO, OFFANENGO] },
    )
  ).id;
  admin = await loginAs(server.server.app, 'admin@demo.cruscotto.it', PASSWORD);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.runIf(canRun)('a call from "interessato" to the money arriving, as a team and an office', { timeout: 90_000 }, () => {
  let rtd: Page;

  it('lets the RTD mark a call interessato from its card and assign the giunta resolution to a colleague, named in a note', async () => {
    rtd = await personPage(RTD);
    const card = rtd.locator('.opportunity-card', { hasText: TITLE });
    await card.waitFor();
    await card.locator('.application-status').getByRole('link', { name: 'da valutare' }).click();
    await rtd.getByRole('button', { name: 'Apri la candidatura' }).click();
    await rtd.getByText('Passi per presentare la candidatura').waitFor();
    expect(await rtd.locator('.status-facts').textContent()).toContain('Interessato');
    await rtd.getByLabel('Incaricato di «Delibera di giunta»').selectOption({ label: 'Sara Bianchi' });
    await rtd.locator('.history', { hasText: 'assegnato a Sara Bianchi' }).waitFor();
    await rtd.getByLabel('Nuova nota').fill('Prepara la delibera, @Sara Bianchi');
    await rtd.getByRole('button', { name: 'Aggiungi la nota' }).click();
    await rtd.locator('.note-body', { hasText: '@Sara Bianchi' }).waitFor();
    await rtd.goto(`${server.url}/opportunita`);
    await expect
      .poll(() => rtd.locator('.opportunity-card', { hasText: TITLE }).locator('.application-status').textContent())
      .toMatch(/Interessato · prossimo passo: Verifica dei requisiti e del cofinanziamento entro \p{L}+ \d+ \p{L}+ \d{4}$/u);
  });

  it('tells the colleague, who opens the application from the notification and ticks her step', async () => {
    const staff = await personPage(STAFF);
    await staff.getByRole('link', { name: 'Avvisi e notifiche' }).first().click();
    const mention = staff.locator('.notification-list li', { hasText: 'Luca Ferri ti ha citato in una nota' });
    await mention.waitFor();
    expect(await mention.textContent()).toContain(TITLE);
    await mention.getByRole('link').click();
    await staff.waitForURL(new RegExp(`/candidature/${PANDINO}/${callId}$`));
    // Staff work on the steps and notes, not on the status: the status form is the RTD's.
    await staff.getByText('Passi per presentare la candidatura').waitFor();
    expect(await staff.getByRole('button', { name: 'Salva la candidatura' }).count()).toBe(0);
    // Bootstrap Italia draws the box on the label and hides the input, as a user sees it.
    await staff.locator('.steps li', { hasText: 'Delibera di giunta' }).locator('.form-check-label').click();
    await staff.locator('.steps li', { hasText: 'Delibera di giunta' }).getByText('fatto da Sara Bianchi').waitFor();
    await staff.close();
  });

  it('lets the RTD mark it presentata with its CUP and protocol', async () => {
    await application(rtd);
    await rtd.locator('.steps li', { hasText: 'Delibera di giunta' }).getByText('fatto da Sara Bianchi').waitFor();
    await rtd.getByRole('combobox', { name: 'Stato', exact: true }).selectOption({ label: 'Presentata' });
    await rtd.getByRole('textbox', { name: 'CUP', exact: true }).fill(CUP.toLowerCase());
    await rtd.getByLabel('Numero di protocollo').fill('PA-2026-0412');
    await rtd.getByLabel('Importo richiesto (€)').fill('32589');
    await rtd.getByRole('button', { name: 'Salva la candidatura' }).click();
    await rtd.locator('.history', { hasText: 'da «Interessato» a «Presentata»' }).waitFor();
    expect(await rtd.locator('.status-facts').textContent()).toContain(CUP);
    await expectAccessible(rtd, 'candidatura');
  });

  it('moves it to finanziata when the funding history carries its CUP, with the milestones in the calendar feed', async () => {
    const imported = await admin
      .post('/api/v1/imports/funding-history')
      .set('x-csrf-token', admin.csrf)
      .set('content-type', 'text/csv')
      .send(fundingFile({ istat: PANDINO, name: 'Pandino', cup: CUP, measure: '1.4.1', fundedOn: DECREE }));
    expect(imported.status).toBe(200);
    await application(rtd);
    await rtd.getByRole('heading', { name: 'Traguardi dopo il finanziamento' }).waitFor();
    expect(await rtd.locator('.status-facts').textContent()).toContain('Finanziata (dallo storico dei finanziamenti)');
    const milestones = rtd.locator('section[aria-labelledby="phase-attuazione"] .steps li');
    expect(await milestones.first().textContent()).toContain('Contrattualizzazione del fornitore');
    expect(await milestones.first().textContent()).toContain('entro martedì 30 marzo 2027');

    await rtd.getByRole('link', { name: 'Scadenze' }).first().click();
    const feed = await rtd.locator('code', { hasText: 'scadenze.ics' }).textContent();
    const ics = await rtd.request.get(feed!.trim());
    expect(ics.status()).toBe(200);
    const events = new ICAL.Component(ICAL.parse(await ics.text()))
      .getAllSubcomponents('vevent')
      .map((e) => new ICAL.Event(e))
      .filter((e) => e.summary.startsWith('Traguardo'))
      .map((e) => [e.summary, e.startDate.toString()]);
    expect(events).toEqual([
      [`Traguardo: Contrattualizzazione del fornitore – ${TITLE}`, '2027-03-30'],
      [`Traguardo: Completamento delle attività – ${TITLE}`, '2027-12-25'],
      [`Traguardo: Asseverazione tecnica – ${TITLE}`, '2028-02-23'],
      [`Traguardo: Domanda di erogazione – ${TITLE}`, '2028-03-24'],
    ]);
    await rtd.close();
  });

  it('shows the office coordinator the application on the board and in the table, beside a comune that says no and why', async () => {
    const office = await personPage(OFFICE_RTD);
    await office.goto(`${server.url}/candidature/${OFFANENGO}/${callId}`);
    await office.getByRole('combobox', { name: 'Stato', exact: true }).selectOption({ label: 'Non pertinente' });
    await office.getByLabel('Perché il comune non partecipa').selectOption({ label: 'Manca il cofinanziamento' });
    await office.getByRole('button', { name: 'Apri la candidatura' }).click();
    await office.locator('.status-facts', { hasText: 'Manca il cofinanziamento' }).waitFor();

    await office.getByRole('link', { name: 'Le mie candidature' }).first().click();
    const funded = office.locator('.board-column', { hasText: 'Finanziata' }).locator('.board-card');
    await funded.first().waitFor();
    expect(await funded.count()).toBe(1);
    expect(await funded.textContent()).toMatch(/Pandino.*Prossimo passo: Contrattualizzazione del fornitore entro martedì 30 marzo 2027/);
    expect(await office.locator('.board-column', { hasText: 'Non pertinente' }).locator('.board-card').textContent()).toMatch(
      /Offanengo.*Motivo: Manca il cofinanziamento/,
    );
    await expectAccessible(office, 'candidature-bacheca');

    await office.getByRole('button', { name: 'Tabella' }).click();
    const rows = office.locator('.applications-table tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    const pandino = office.locator('.applications-table tbody tr', { hasText: 'Pandino' });
    expect(await pandino.locator('td').allTextContents()).toEqual([
      'Pandino',
      TITLE,
      'Finanziata',
      '32.589\u00a0€',
      'Contrattualizzazione del fornitore',
      'martedì 30 marzo 2027',
      'nessuno',
    ]);
    await expectAccessible(office, 'candidature-tabella');
    await office.close();
  });

  it('shows an editor the counts and the reasons on the call in Redazione, without naming a comune', async () => {
    const editor = await personPage('redazione@demo.cruscotto.it');
    await editor.goto(`${server.url}/redazione/bandi/${callId}`);
    const panel = editor.locator('.application-analytics');
    await panel.locator('.reasons').waitFor();
    const matched = (await server.db.selectFrom('matches').select('comune_istat').where('call_id', '=', callId).execute()).length;
    const funnel = (await panel.locator('.funnel tr').allTextContents()).join('; ');
    expect(funnel).toBe(`Comuni abbinati${matched}; Interessati1; Candidature presentate1; Finanziate1; Non partecipano1`);
    expect(await panel.locator('canvas').getAttribute('aria-label')).toBe(
      `Comuni abbinati: ${matched}; Interessati: 1; Candidature presentate: 1; Finanziate: 1; Non partecipano: 1`,
    );
    expect(await panel.locator('.reasons tbody tr').first().locator('td').allTextContents()).toEqual([
      'Manca il cofinanziamento',
      'CR',
      expect.any(String),
      '1',
    ]);
    expect(await panel.textContent()).not.toContain('Offanengo');
    await expectAccessible(editor, 'candidature-statistiche-bando');
    await editor.close();
    expect(consoles.flatMap((c) => c.errors)).toEqual([]);
  });
});
