import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp();
let admin: Agent;
beforeAll(async () => {
  await createTestUser(ctx.db, 'admin@anci.example.it', 'admin');
  admin = await loginAs(ctx.app, 'admin@anci.example.it');
});

describe('themes vocabulary', () => {
  it('is seeded with the AgID plan areas and the RTD planning themes, hierarchically', async () => {
    const res = await request(ctx.app.server).get('/api/v1/themes');
    expect(res.status).toBe(200);
    const codes = res.body.items.map((t: { code: string }) => t.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'servizi',
        'dati',
        'piattaforme.spid-cie',
        'piattaforme.pagopa',
        'piattaforme.app-io',
        'piattaforme.send',
        'dati.pdnd',
        'piattaforme.anpr',
        'infrastrutture.cloud',
        'infrastrutture.connettivita',
        'interoperabilita',
        'sicurezza',
        'governance.organizzazione',
        'governance.formazione',
        'accessibilita',
      ]),
    );
    expect(res.body.items.find((t: { code: string }) => t.code === 'piattaforme.pagopa')).toEqual({
      code: 'piattaforme.pagopa',
      parentCode: 'piattaforme',
      label: 'pagoPA',
      description: null,
    });
  });

  it('lets an admin add, rename and delete a theme, auditing each change', async () => {
    const created = await admin.post('/api/v1/themes').set('x-csrf-token', admin.csrf).send({ code: 'servizi.scuola', label: 'Servizi scolastici' });
    expect(created.status).toBe(201);
    expect(created.body.parentCode).toBe('servizi');
    const renamed = await admin.put('/api/v1/themes/servizi.scuola').set('x-csrf-token', admin.csrf).send({ label: 'Servizi per la scuola' });
    expect(renamed.body.label).toBe('Servizi per la scuola');
    expect((await admin.delete('/api/v1/themes/servizi.scuola').set('x-csrf-token', admin.csrf)).status).toBe(204);
    const audit = await ctx.db.selectFrom('audit_log').select('action').where('entity', '=', 'theme').where('entity_id', '=', 'servizi.scuola').execute();
    expect(audit.map((a) => a.action)).toEqual(['theme.created', 'theme.updated', 'theme.deleted']);
  });

  it('refuses an orphan, a duplicate and the deletion of a theme in use', async () => {
    const orphan = await admin.post('/api/v1/themes').set('x-csrf-token', admin.csrf).send({ code: 'turismo.musei', label: 'Musei' });
    expect(orphan.status).toBe(422);
    expect(orphan.body.code).toBe('PARENT_THEME_NOT_FOUND');
    const duplicate = await admin.post('/api/v1/themes').set('x-csrf-token', admin.csrf).send({ code: 'dati', label: 'Dati' });
    expect(duplicate.status).toBe(409);
    const inUse = await admin.delete('/api/v1/themes/piattaforme').set('x-csrf-token', admin.csrf);
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('THEME_IN_USE');
    expect((await admin.delete('/api/v1/themes/nessuno').set('x-csrf-token', admin.csrf)).status).toBe(404);
  });
});
