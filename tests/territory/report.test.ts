import { existsSync } from 'node:fs';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../seeds/demo.ts';
import { CHROMIUM, launchBrowser } from '../e2e/browser.ts';
import { useTestApp } from '../helpers/app.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp();
let viewer: Agent;

beforeAll(async () => {
  await seedDemo(ctx.db);
  await createTestUser(ctx.db, 'osservatorio@regione.example.it', 'viewer');
  viewer = await loginAs(ctx.app, 'osservatorio@regione.example.it');
});

describe('GET /api/v1/analytics/report', () => {
  it('prints the progress report for the period: indicators against targets, coverage, needs, funds and activity', async () => {
    const { text, headers } = await viewer.get('/api/v1/analytics/report?from=2026-06-01&to=2026-11-30').expect(200);
    expect(headers['content-type']).toContain('text/html');
    expect(text).toContain('<html lang="it">');
    expect(text).toContain('dal 1 giugno 2026 al 30 novembre 2026');
    expect(text).toContain('@page { size: A4;');
    for (const title of [
      'Indicatori e obiettivi',
      'Copertura dei bandi per provincia',
      'Fabbisogni e bandi per tema',
      'Fondi PNRR ottenuti per provincia',
      'Attività mese per mese',
    ]) {
      expect(text).toContain(`>${title}</h2>`);
    }
    expect(text).toMatch(/<th scope="row">Utenti registrati<\/th><td>\d+<\/td><td>250<\/td>/);
  });

  it('gives the same tables as CSV, and is closed to the public', async () => {
    const { text, headers } = await viewer.get('/api/v1/analytics/report?from=2026-06-01&to=2026-11-30&format=csv').expect(200);
    expect(headers['content-disposition']).toBe('attachment; filename="report-attivita-2026-06-01-2026-11-30.csv"');
    const lines = text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Indicatori e obiettivi');
    expect(lines[1]).toBe('Indicatore;Valore;Obiettivo;Stato');
    expect(lines).toContain('Provincia;Comuni;Con almeno un bando aperto;Senza bandi aperti;Senza utenti');
    expect(text.match(/\uFEFF/g)).toHaveLength(1);
    await request(ctx.app.server).get('/api/v1/analytics/report').expect(401);
    await viewer.get('/api/v1/analytics/report?from=2026-12-01&to=2026-01-01').expect(400);
  });

  it.runIf(existsSync(CHROMIUM))('prints to A4 PDF pages with Chromium', async () => {
    const { text } = await viewer.get('/api/v1/analytics/report').expect(200);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.setContent(text);
      const pdf = await page.pdf({ preferCSSPageSize: true });
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
      expect(pages.length).toBeGreaterThanOrEqual(1);
      const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'))!;
      // A4 is 595 × 842 points.
      expect(Math.round(Number(box[1]))).toBe(595);
      expect(Math.round(Number(box[2]))).toBe(842);
    } finally {
      await browser.close();
    }
  });
});
