import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnEntry, waitFor } from '../helpers/processes.ts';
import { useTestApp } from '../helpers/app.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp();
let admin: Agent;
const FILE = [
  'codice_istat,denominazione,codice_catastale,regione,provincia,sigla_provincia,superficie_km2,popolazione_residente,popolazione_legale,zona_altimetrica,altitudine,comune_litoraneo,comune_isolano',
  '019035,Crema,D142,Lombardia,Cremona,CR,34.51,34012,33970,5,87,0,0',
  '',
].join('\n');

beforeAll(async () => {
  await createTestUser(ctx.db, 'admin@anci.example.it', 'admin');
  admin = await loginAs(ctx.app, 'admin@anci.example.it');
});

describe('POST /api/v1/imports/:kind', () => {
  it('imports a CSV body, audits it, and reports no change the second time', async () => {
    const first = await admin.post('/api/v1/imports/comuni').set('x-csrf-token', admin.csrf).set('content-type', 'text/csv').send(FILE);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ format: 'istat-situas', read: 1, created: 1, rejected: [] });
    const second = await admin.post('/api/v1/imports/comuni').set('x-csrf-token', admin.csrf).set('content-type', 'text/csv').send(FILE);
    expect(second.body).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const audit = await ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'import.comuni').execute();
    expect(audit).toHaveLength(2);
  });

  it('answers a file of another kind with 422 and a JSON body with 400', async () => {
    const other = await admin.post('/api/v1/imports/comuni').set('x-csrf-token', admin.csrf).set('content-type', 'text/csv').send('a,b\n1,2\n');
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('UNKNOWN_FILE_FORMAT');
    const json = await admin.post('/api/v1/imports/ipa').set('x-csrf-token', admin.csrf).send({ file: 'x' });
    expect(json.status).toBe(400);
    expect(json.body.code).toBe('CSV_REQUIRED');
  });
});

const FUNDING_HEADER =
  'codice_ipa,ente,tipologia_ente,comune,cod_comune,provincia,cod_provincia,regione,cod_regione,importo_finanziamento,avviso,data_invio_candidatura,data_finanziamento,codice_cup,numero_finestra_temporale,numero_di_protocollo,decreto_finanziamento,stato_candidatura,data_stato_candidatura,misura';
const fundingRow = (cup: string, amount: string) =>
  `c_d142,Comune di Crema,Comuni,Crema,019035,CR,019,Lombardia,03,${amount},1.4.5 'Piattaforma Notifiche Digitali' Comuni (Settembre 2022),2022-09-21T09:35:39.000+0000,2023-01-03,${cup},1,131,Decreto n.131 - 1 / 2022 - PNRR,E,2024-06-26,1.4.5 Digitalizzazione degli avvisi pubblici`;

describe('funding-history import', () => {
  it('imports the per-measure format through the API and shows it on the profile at once', async () => {
    const res = await admin
      .post('/api/v1/imports/funding-history')
      .set('x-csrf-token', admin.csrf)
      .set('content-type', 'text/csv')
      .send([FUNDING_HEADER, fundingRow('D41F22000000001', '23147.0'), ''].join('\n'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ format: 'padigitale2026-candidature-misura', created: 1, rejected: [] });
    const profile = await request(ctx.app.server).get('/api/v1/comuni/019035');
    expect(profile.body.funding).toMatchObject({ awards: 1, amount: 23147, byMeasure: [{ measureCode: '1.4.5' }] });
  });

  it('from the CLI in another process, which the running app hears about through PostgreSQL', { timeout: 30_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cruscotto-funding-')), 'candidature_finanziate_145__2025-03-27.csv');
    writeFileSync(file, [FUNDING_HEADER, fundingRow('D41F22000000002', '10000.0'), ''].join('\n'));
    const cli = spawnEntry('server/src/cli/main.ts', ['import', 'funding-history', file, '--json'], {
      DATABASE_URL: ctx.database.url,
      SESSION_SECRET: 'cli-secret-cli-secret-cli-secret-000000',
    });
    expect(await cli.exited).toBe(0);
    expect(JSON.parse(cli.output().trim().split('\n').at(-1)!)).toMatchObject({ ok: true, created: 1 });
    const stored = await ctx.db
      .selectFrom('funding_awards')
      .select(['snapshot_date', 'source_file'])
      .where('cup', '=', 'D41F22000000002')
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ snapshot_date: '2025-03-27', source_file: 'candidature_finanziate_145__2025-03-27.csv' });
    await waitFor(
      async () => (await request(ctx.app.server).get('/api/v1/comuni/019035')).body.funding.amount === 33147,
      5000,
      'the profile to include the CLI import',
    );
  });
});
