/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { loginAs, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { openPage, axeViolations, CHROMIUM, launchBrowser, overflowOnPhone, screenshot, watchConsole } from './browser.ts';
import { publishCall, startE2eServer, type E2eServer } from './server.ts';

const PASSWORD = 'Cruscotto-Demo-2026';
const RTD = 'rtd.crema@demo.cruscotto.it';
const canRun = existsSync(CHROMIUM);
if (!canRun) console.log(`skipped the browser journeys: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let server: E2eServer;
let sink: SmtpSink;
let browser: Browser;
let page: Page;
let consoleErrors: ReturnType<typeof watchConsole>;
let editor: Agent;
let theme: string;

let unplannedTheme: string;
let unsubscribeLink: string;

async function publish(title: string, themes = [theme]): Promise<string> {
  const call = await publishCall(
    server,
    editor,
    callInput({
      title,
      summary: 'Contributi ai comuni lombardi per i servizi digitali',
      themes,
      programme: { kind: 'regionale', code: null },
      eligibility: { bodyTypes: ['comune'], territory: { regions: ['03'] }, aggregation: 'allowed', exclusions: [], conditions: [] },
      windows: [{ opensAt: daysFromNow(-2), closesAt: daysFromNow(40) }],
      money: { totalBudget: 5_000_000, amount: { kind: 'fixed', amount: 40_000 } },
    }),
    { comuni: ['019035'] },
  );
  return call.id;
}

async function expectAccessible(name: string) {
  await screenshot(page, name);
  expect(await page.locator('h1').count(), `one h1 on ${name}`).toBe(1);
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  expect(await overflowOnPhone(page), `${name} at 375 px`).toEqual([]);
}

beforeAll(async () => {
  if (!canRun) return;
  sink = await startSmtpSink();
  server = await startE2eServer({ SMTP_URL: sink.url, WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true' });
  const { seedDemo } = await import('../../seeds/demo.ts');
  await seedDemo(server.db);
  const item = await server.db
    .selectFrom('programming_items as p')
    .innerJoin('programming_item_themes as t', 't.item_id', 'p.id')
    .select('t.theme_code')
    .where('p.comune_istat', '=', '019035')
    .where('p.status', 'in', ['planned', 'in_progress'])
    .where('p.funding_status', '!=', 'funded')
    .executeTakeFirstOrThrow();
  theme = item.theme_code;
  const planned = await server.db
    .selectFrom('programming_item_themes as t')
    .innerJoin('programming_items as p', 'p.id', 't.item_id')
    .select('t.theme_code')
    .where('p.comune_istat', '=', '019035')
    .execute();
  const other = await server.db
    .selectFrom('themes')
    .select('code')
    .where('parent_code', 'is not', null)
    .where(
      'code',
      'not in',
      planned.map((p) => p.theme_code),
    )
    .orderBy('code')
    .executeTakeFirstOrThrow();
  unplannedTheme = other.code;
  editor = await loginAs(server.server.app, 'redazione@demo.cruscotto.it', PASSWORD);
  await publish('Servizi digitali per i comuni lombardi');
  browser = await launchBrowser();
  page = await openPage(browser);
  consoleErrors = watchConsole(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.close();
});

describe.runIf(canRun)('an RTD in the browser', { timeout: 60_000 }, () => {
  it('logs in and sees the calls matched to their comune, with reasons', async () => {
    await page.goto(`${server.url}/opportunita`);
    await page.waitForURL(/\/accedi\?next=/);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Accedi al Cruscotto');
    await expectAccessible('01-login');
    await page.getByLabel('E-mail').fill(RTD);
    await page.getByLabel('Password').fill('sbagliata');
    await page.getByRole('button', { name: 'Accedi' }).click();
    await expect.poll(() => page.locator('.alert-danger').textContent()).toMatch(/credenziali|password|e-mail/i);
    await expectAccessible('02-login-error');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Accedi' }).click();
    await page.waitForURL(/\/opportunita/);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Le mie opportunità: Crema');
    const card = page.locator('.opportunity-card', { hasText: 'Servizi digitali per i comuni lombardi' });
    await card.waitFor();
    expect(await card.textContent()).toMatch(/Finanzia (1|\d+) de(i tuoi interventi pianificati|l)/);
    expect(await card.textContent()).toContain('40.000');
    await expect.poll(() => page.locator('.summary-count').textContent()).toMatch(/^\d+$/);
    await expectAccessible('03-opportunita');
  });

  it('filters through the URL and stays usable at 375 px', async () => {
    await page.getByLabel('Ordina per').selectOption('deadline');
    await page.waitForURL(/sort=deadline/);
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await expectAccessible('04-opportunita-375px');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('opens a call, follows it and adds it to the calendar', async () => {
    await page.getByRole('link', { name: 'Servizi digitali per i comuni lombardi' }).first().click();
    await page.waitForURL(/\/bandi\/[0-9a-f-]+\?comune=019035/);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Servizi digitali per i comuni lombardi');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await page.locator('.eligibility-checklist').waitFor();
    expect(await page.locator('.eligibility-checklist').textContent()).toContain('Soddisfatto');
    await page.getByRole('button', { name: 'Segui il bando' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Segui il bando' }).count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Aggiungi al calendario' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^bando-[0-9a-f-]+\.ics$/);
    expect(readFileSync((await download.path())!, 'utf8')).toContain('SUMMARY:Scadenza: Servizi digitali per i comuni lombardi');
    await expectAccessible('05-dettaglio-bando');
    const follows = await server.db.selectFrom('call_follows').selectAll().execute();
    expect(follows.map((f) => f.mode)).toEqual(['follow']);
  });

  it('searches the catalogue with facets that add up and filter, and highlights', async () => {
    await page.getByRole('link', { name: 'Cerca bandi' }).first().click();
    await page.getByLabel('Parole da cercare').fill('servizi digitali');
    await page.getByRole('button', { name: 'Cerca', exact: true }).click();
    await page.waitForURL(/q=servizi/);
    await page.locator('mark').first().waitFor();
    // The status facet adds up to the total, and choosing one status leaves its count of calls, all in it.
    const found = async () => Number(/^(\d+) band/.exec((await page.getByText(/^\d+ band(o|i) trovat(o|i)$/).textContent()) ?? '')?.[1]);
    const statusFacet = page.getByRole('group', { name: 'Stato' });
    const options = (await statusFacet.locator('label').allTextContents()).map((text) => /^(.+) \((\d+)\)$/.exec(text.trim())!);
    expect(options.length).toBeGreaterThan(0);
    const total = await found();
    expect(total).toBeGreaterThan(0);
    expect(options.reduce((sum, option) => sum + Number(option[2]), 0)).toBe(total);
    const [label, name, count] = options[0]!;
    // Bootstrap Italia draws the box on the label and hides the input, as a user sees it.
    await statusFacet.locator('label').filter({ hasText: label! }).click();
    await page.waitForURL(/status=/);
    await expect.poll(found).toBe(Number(count));
    expect(new Set(await page.locator('.chip-label').allTextContents())).toEqual(new Set([name]));
    // The folded filters say how many are on, in the singular for one.
    expect((await page.locator('.search-filters summary').textContent())!.trim()).toBe('Filtri (1 attivo)');
    await statusFacet.locator('label').filter({ hasText: name! }).click();
    await expect.poll(found).toBe(total);
    await page.getByLabel('Salva questa ricerca con il nome').fill('Servizi digitali');
    await page.getByRole('button', { name: 'Salva la ricerca' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Ricerca «Servizi digitali» salvata' }).count()).toBe(1);
    await expectAccessible('06-cerca');
  });

  it('sees the deadlines as a month calendar and a list, with the calendar feed', async () => {
    await page.getByRole('link', { name: 'Scadenze' }).first().click();
    await page.locator('.deadlines-list').waitFor();
    expect(await page.locator('.deadlines-list').textContent()).toContain('Servizi digitali per i comuni lombardi');
    expect(await page.locator('a', { hasText: 'iscriviti al calendario' }).getAttribute('href')).toMatch(/^webcal:\/\/.*\/scadenze\.ics$/);
    await expectAccessible('07-scadenze');
  });

  it('asks for immediate e-mails, then receives the alert of a new call by e-mail and in the app', async () => {
    await page.getByRole('link', { name: 'Avvisi e notifiche' }).first().click();
    await page.getByText('Subito, un messaggio per ogni novità').click();
    await page.getByRole('button', { name: 'Salva le preferenze' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Preferenze salvate.' }).count()).toBe(1);
    await publish('Cloud e sicurezza per i comuni lombardi');
    await waitFor(() => sink.messages.some((m) => m.subject === 'Nuovo bando per Crema: Cloud e sicurezza per i comuni lombardi'), 20_000, 'the alert e-mail');
    const mail = sink.messages.find((m) => m.subject === 'Nuovo bando per Crema: Cloud e sicurezza per i comuni lombardi')!;
    expect(mail.to).toMatchObject({ text: RTD });
    expect(mail.text).toContain(`${server.url}/api/v1/r/alert?to=%2Fbandi%2F`);
    await page.reload();
    await page.locator('.notification-list', { hasText: 'Cloud e sicurezza per i comuni lombardi' }).waitFor();
    await expectAccessible('08-avvisi');
    unsubscribeLink = /Per non ricevere più avvisi per e-mail: (\S+)/.exec(mail.text!)![1]!;
  });

  it('stops the e-mails from the link in one of them, after asking', async () => {
    await page.goto(unsubscribeLink);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Avvisi per e-mail');
    await expectAccessible('08b-disiscrizione');
    await page.getByRole('button', { name: 'Non voglio più avvisi per e-mail' }).click();
    await expect.poll(() => page.locator('.alert-success').textContent()).toContain('Non riceverai più avvisi per e-mail.');
    const user = await server.db.selectFrom('users').select('id').where('email', '=', RTD).executeTakeFirstOrThrow();
    expect((await server.db.selectFrom('alert_subscriptions').select('email').where('user_id', '=', user.id).executeTakeFirstOrThrow()).email).toBe('off');
    await page.getByRole('link', { name: 'Avvisi e notifiche' }).last().click();
    await page.locator('.notification-list').waitFor();
  });

  it('shows a webhook address error next to its field, and the signing key in a dialog', async () => {
    await page.getByLabel('Indirizzo del webhook per Crema').fill('ftp://gestionale.crema.example.it');
    await page.getByRole('button', { name: 'Aggiungi il webhook' }).click();
    await expect.poll(() => page.locator('#webhook-url-error').textContent()).toBe('Errore: Sono ammessi solo indirizzi http o https.');
    expect(await page.getByLabel('Indirizzo del webhook per Crema').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible('09-webhook-errore');
    await page.getByLabel('Indirizzo del webhook per Crema').fill(`${server.url}/api/v1/status`);
    await page.getByRole('button', { name: 'Aggiungi il webhook' }).click();
    await page.getByRole('dialog').waitFor();
    expect(await page.locator('.webhook-secret').textContent()).toMatch(/^whsec_/);
    await expectAccessible('10-webhook-dialogo');
    await page.getByRole('button', { name: 'Chiudi', exact: true }).click();
  });

  it('adds a planned intervention, and the open call that can fund it appears beside it', async () => {
    await publish('Videosorveglianza urbana per i comuni lombardi', [unplannedTheme]);
    await page.getByRole('link', { name: 'Profilo e programmazione' }).first().click();
    await page.locator('.programming-table').waitFor();
    await page.getByRole('button', { name: 'Aggiungi l’intervento' }).click();
    await expect.poll(() => page.locator('#item-title-error').textContent()).not.toBe('');
    expect(await page.getByLabel('Titolo dell’intervento').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible('11-profilo-errori');
    await page.getByLabel('Titolo dell’intervento').fill('Telecamere nel centro storico');
    await page.locator(`label[for="item-themes-${unplannedTheme}"]`).click();
    await page.getByLabel('Costo stimato (€)').fill('45000');
    await page.getByRole('button', { name: 'Aggiungi l’intervento' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Intervento «Telecamere nel centro storico» aggiunto' }).count()).toBe(1);
    const row = page.locator('.programming-table tr', { hasText: 'Telecamere nel centro storico' });
    await expect
      .poll(
        async () => {
          await page.reload();
          return row.locator('.item-funders').textContent({ timeout: 5000 });
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toContain('Videosorveglianza urbana per i comuni lombardi');
    const declared = await server.db.selectFrom('comune_interests').select('theme_code').where('comune_istat', '=', '019035').execute();
    // The interests picker adds the theme to those the comune already declared.
    await page.locator('#profile-interests-search').fill(unplannedTheme);
    expect(await page.locator('.profile-extras .theme-picker input[type=checkbox]').count()).toBe(2);
    await page.locator(`label[for="profile-interests-${unplannedTheme}"]`).click();
    await page.getByRole('button', { name: 'Salva il profilo' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Profilo aggiornato' }).count()).toBe(1);
    const saved = await server.db.selectFrom('comune_interests').select('theme_code').where('comune_istat', '=', '019035').execute();
    expect(saved.map((i) => i.theme_code).sort()).toEqual([...declared.map((i) => i.theme_code), unplannedTheme].sort());
    await expectAccessible('12-profilo');
    // On a phone the interventions table scrolls in its box, which the keyboard can then reach.
    const box = page.locator('.table-responsive:has(.programming-table)');
    await page.setViewportSize({ width: 375, height: 800 });
    await expect.poll(() => box.getAttribute('role')).toBe('region');
    expect(await box.getAttribute('tabindex')).toBe('0');
    expect(await box.getAttribute('aria-label')).toBe('Interventi della programmazione e bandi che possono finanziarli');
    await page.setViewportSize({ width: 1280, height: 900 });
    await expect.poll(() => box.getAttribute('role')).toBeNull();
  });

  it('reads the privacy notice, the legal notes, the accessibility statement and a missing page', async () => {
    for (const [link, name] of [
      ['Informativa sulla privacy', '13-privacy'],
      ['Note legali', '14-note-legali'],
      ['Dichiarazione di accessibilità', '15-accessibilita'],
    ] as const) {
      await page.getByRole('link', { name: link }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe(link);
      await expectAccessible(name);
    }
    await page.goto(`${server.url}/pagina-che-non-esiste`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Pagina non trovata');
    await expectAccessible('16-pagina-non-trovata');
  });

  it('ends without console errors, and with no failed request but the two it provoked', () => {
    expect(consoleErrors.errors).toEqual([]);
    expect(consoleErrors.failedRequests).toEqual([
      '401 POST /api/v1/auth/login',
      '422 POST /api/v1/comuni/019035/webhooks',
      expect.stringMatching(/^4(00|22) POST \/api\/v1\/comuni\/019035\/programming$/),
    ]);
  });
});
