import { beforeAll, describe, expect, it } from 'vitest';
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
