import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/src/plugins/db/embedded.ts';
import { startSpidLikeProvider, type SpidAccount } from '../helpers/oidc-provider.ts';
import { openPage, axeViolations, CHROMIUM, launchBrowser, screenshot, watchConsole } from './browser.ts';
import { startE2eServer, type E2eServer } from './server.ts';

const canRun = existsSync(CHROMIUM);
if (!canRun) console.log(`skipped the browser journeys: ${CHROMIUM} is missing (apt-get install -y chromium)`);
const L2 = 'https://www.spid.gov.it/SpidL2';
const giulia: SpidAccount = { sub: 'spid-ferrari', fiscalNumber: 'TINIT-FRRGLI80A41D142X', name: 'Giulia Ferrari', acr: L2 };
const stranger: SpidAccount = { sub: 'spid-estraneo', fiscalNumber: 'TINIT-STRNGR80A01F205X', name: 'Estraneo', acr: L2 };

let provider: Awaited<ReturnType<typeof startSpidLikeProvider>>;
let server: E2eServer;
let browser: Browser;
let page: Page;
let watched: ReturnType<typeof watchConsole>;

beforeAll(async () => {
  if (!canRun) return;
  const port = await freePort();
  provider = await startSpidLikeProvider([
    { clientId: 'cruscotto', clientSecret: 'segreto-del-client-0123456789', redirectUri: `http://127.0.0.1:${port}/api/v1/auth/oidc/callback` },
  ]);
  for (const account of [giulia, stranger]) provider.addAccount(account);
  server = await startE2eServer(
    { OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: 'cruscotto', OIDC_CLIENT_SECRET: 'segreto-del-client-0123456789', OIDC_MIN_ACR: L2 },
    port,
  );
  const { seedDemo } = await import('../../seeds/demo.ts');
  await seedDemo(server.db);
  // An administrator linked Giulia's SPID identity to her account.
  await server.db
    .updateTable('users')
    .set({ oidc_issuer: provider.issuer, oidc_subject: giulia.sub })
    .where('email', '=', 'rtd.crema@demo.cruscotto.it')
    .execute();
  browser = await launchBrowser();
  page = await openPage(browser, { viewport: { width: 1280, height: 720 }, acceptDownloads: false });
  watched = watchConsole(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await provider?.close();
});

describe.runIf(canRun)('signing in with SPID or CIE', { timeout: 60_000 }, () => {
  it('refuses, in Italian on the login page, an identity no invitation or administrator linked', async () => {
    provider.willLogIn(stranger);
    await page.goto(`${server.url}/accedi`);
    await page.getByRole('link', { name: 'Entra con SPID / CIE' }).click();
    await page.waitForURL(/\/accedi\?errore=OIDC_IDENTITY_NOT_LINKED/);
    await expect.poll(() => page.locator('.alert-danger').textContent()).toContain('non è ancora collegata a un utente del cruscotto');
    await screenshot(page, '40-spid-non-collegato');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('signs a linked RTD in and lands on their opportunities', async () => {
    provider.willLogIn(giulia);
    // A new browser session: the provider would otherwise remember the identity used before.
    await page.context().clearCookies();
    await page.getByRole('link', { name: 'Entra con SPID / CIE' }).click();
    await page.waitForURL(/\/opportunita$/);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Le mie opportunità: Crema');
    expect(await page.locator('.it-header-slim-wrapper').textContent()).toContain('Giulia Ferrari');
    await screenshot(page, '41-spid-entrata');
  });

  it('ends without console errors', () => {
    expect(watched.errors).toEqual([]);
  });
});
