// Lighthouse figures (issue 16, items 7 and 8; issue 22): the anonymous home, "Le mie opportunità" of the
// demo RTD and the "Territorio" map of the demo Regione viewer, audited by Lighthouse's default mobile preset (simulated throttling) in the Debian Chromium. Nothing is
// fetched from outside: only the three categories below run, on the product's own origin.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { type Result } from 'lighthouse';
import { DEMO_LOGINS } from '../../seeds/demo.ts';
import { repoRoot } from '../src/paths.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
const REPORTS = resolve(repoRoot, 'test-artifacts/lighthouse');
const RTD = 'rtd.crema@demo.cruscotto.it';
const VIEWER = 'regione@demo.cruscotto.it';

/** Targets of the issues: scores out of 100; transfer in bytes, for the landing route only; the territory map interactive in ms. */
const TARGETS = { performance: 95, accessibility: 100, 'best-practices': 95, landingBytes: 250 * 1024, territoryInteractiveMs: 2000 };

export interface PageFigures {
  name: string;
  finalUrl: string;
  scores: Record<(typeof CATEGORIES)[number], number>;
  transferBytes: number;
  /** Time to interactive under the mobile preset's simulated throttling, ms. */
  interactiveMs: number;
  /** Audits of the three categories that did not pass, as "category: id (title) value". */
  failing: string[];
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((line) => line.split(';')[0]!);
}

/** Signs in as a browser would (CSRF token, then the login form); returns the Cookie header of the session. */
export async function sessionCookie(url: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${url}/api/v1/auth/csrf`);
  const jar = new Map(cookiesOf(csrf).map((c) => [c.split('=')[0]!, c] as const));
  const { token } = (await csrf.json()) as { token: string };
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie: [...jar.values()].join('; ') },
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`login failed for ${email}: ${login.status} ${await login.text()}`);
  for (const c of cookiesOf(login)) jar.set(c.split('=')[0]!, c);
  return [...jar.values()].join('; ');
}

function failingAudits(lhr: Result): string[] {
  const failing: string[] = [];
  for (const category of CATEGORIES) {
    for (const ref of lhr.categories[category]?.auditRefs ?? []) {
      const audit = lhr.audits[ref.id];
      if (!audit || audit.score === null || audit.score >= 0.9) continue;
      if (audit.scoreDisplayMode === 'informative' || audit.scoreDisplayMode === 'notApplicable' || audit.scoreDisplayMode === 'manual') continue;
      failing.push(`${category}: ${audit.id} (${audit.title})${audit.displayValue ? ` ${audit.displayValue}` : ''}`);
    }
  }
  return failing;
}

async function audit(port: number, name: string, url: string, headers?: Record<string, string>): Promise<PageFigures> {
  const result = await lighthouse(url, {
    port,
    output: ['json', 'html'],
    logLevel: 'error',
    onlyCategories: [...CATEGORIES],
    extraHeaders: headers ?? null,
    disableFullPageScreenshot: true,
  });
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse failed on ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  mkdirSync(REPORTS, { recursive: true });
  const file = name
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
  const [json, html] = result.report as string[];
  writeFileSync(join(REPORTS, `${file}.report.json`), json!);
  writeFileSync(join(REPORTS, `${file}.report.html`), html!);
  const score = (category: (typeof CATEGORIES)[number]) => Math.round((lhr.categories[category]?.score ?? 0) * 100);
  return {
    name,
    finalUrl: lhr.finalDisplayedUrl,
    scores: { performance: score('performance'), accessibility: score('accessibility'), 'best-practices': score('best-practices') },
    transferBytes: lhr.audits['total-byte-weight']?.numericValue ?? 0,
    interactiveMs: lhr.audits.interactive?.numericValue ?? Number.NaN,
    failing: failingAudits(lhr),
  };
}

const mark = (ok: boolean) => (ok ? '' : ' MISSED');

function formatFigures(pages: PageFigures[]): string {
  const rows = pages.map((p, i) => {
    const kb = `${(p.transferBytes / 1024).toFixed(1)} KB (${p.transferBytes} B)`;
    return [
      p.name,
      `${p.scores.performance} (≥ ${TARGETS.performance}${mark(p.scores.performance >= TARGETS.performance)})`,
      `${p.scores.accessibility} (= ${TARGETS.accessibility}${mark(p.scores.accessibility >= TARGETS.accessibility)})`,
      `${p.scores['best-practices']} (≥ ${TARGETS['best-practices']}${mark(p.scores['best-practices'] >= TARGETS['best-practices'])})`,
      i === 0 ? `${kb} (≤ 250 KB${mark(p.transferBytes <= TARGETS.landingBytes)})` : kb,
      p.name.startsWith('/territorio')
        ? `${(p.interactiveMs / 1000).toFixed(2)} s (< 2 s${mark(p.interactiveMs < TARGETS.territoryInteractiveMs)})`
        : `${(p.interactiveMs / 1000).toFixed(2)} s`,
    ];
  });
  const header = ['page', 'performance', 'accessibility', 'best practices', 'transfer', 'interactive'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function demoSession(url: string, email: string): Promise<string> {
  const login = DEMO_LOGINS.find((l) => l.email === email);
  if (!login) throw new Error(`the demo data has no ${email}`);
  return sessionCookie(url, login.email, login.password);
}

/** Audits the landing route anonymously, the opportunities of the demo RTD and the territory of the demo Regione viewer. */
export async function lighthouseScenario(url: string): Promise<PageFigures[]> {
  const cookie = await demoSession(url, RTD);
  const viewerCookie = await demoSession(url, VIEWER);
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROMIUM_FLAGS, logLevel: 'error' });
  try {
    const pages = [
      await audit(chrome.port, '/ (anonymous)', `${url}/`),
      await audit(chrome.port, '/opportunita (RTD Crema)', `${url}/opportunita`, { Cookie: cookie }),
      await audit(chrome.port, '/territorio (Regione viewer)', `${url}/territorio`, { Cookie: viewerCookie }),
    ];
    const wrong = pages.find((p) => p.name !== '/ (anonymous)' && new URL(p.finalUrl).pathname !== p.name.split(' ')[0]);
    if (wrong) throw new Error(`the signed-in page ended on ${wrong.finalUrl}: the session cookie did not reach the page`);
    const { version } = createRequire(import.meta.url)('lighthouse/package.json') as { version: string };
    console.log(`Lighthouse ${version}, mobile preset, simulated throttling, ${CHROMIUM}; reports in ${REPORTS}`);
    console.log(formatFigures(pages));
    for (const page of pages) {
      console.log(`${page.name}: ${page.failing.length === 0 ? 'no failing audit' : `${page.failing.length} failing audits`}`);
      for (const line of page.failing) console.log(`  ${line}`);
    }
    return pages;
  } finally {
    await chrome.kill();
  }
}
