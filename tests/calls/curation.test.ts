import { beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../server/src/modules/ingest/connectors/index.ts';
import { runIngest } from '../../server/src/modules/ingest/ingest.service.ts';
import { useTestApp } from '../helpers/app.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp();
let admin: Agent;
let editor: Agent;
const clock = () => ({ now: new Date(), soonDays: 14 });
const csv = (title: string) =>
  new TextEncoder().encode(
    `id_esterno;titolo;ente;programma;codice_programma;tipi_ente;procedura;apertura\nX1;${title};Dipartimento;pnrr;M1C1I1.4.4;comune;sportello;01/12/2026\n`,
  );

beforeAll(async () => {
  await createTestUser(ctx.db, 'admin@example.it', 'admin');
  await createTestUser(ctx.db, 'editor@example.it', 'editor');
  admin = await loginAs(ctx.app, 'admin@example.it');
  editor = await loginAs(ctx.app, 'editor@example.it');
});

describe('themes of ingested calls', () => {
  it('are suggested from the measure code and keywords, editable as rules, and confirmed by an editor', async () => {
    const rule = await admin
      .post('/api/v1/theme-rules')
      .set('x-csrf-token', admin.csrf)
      .send({ kind: 'keyword', pattern: 'carta d’identità', themeCode: 'piattaforme.spid-cie' });
    expect(rule.status).toBe(201);
    expect(
      (await admin.post('/api/v1/theme-rules').set('x-csrf-token', admin.csrf).send({ kind: 'keyword', pattern: 'x-ray', themeCode: 'radiologia' })).status,
    ).toBe(422);
    expect(
      (await editor.post('/api/v1/theme-rules').set('x-csrf-token', editor.csrf).send({ kind: 'keyword', pattern: 'x-ray', themeCode: 'sicurezza' })).status,
    ).toBe(403);
    await runIngest(ctx.db, clock(), {
      connector: CONNECTORS.csv!,
      location: 'test',
      items: CONNECTORS.csv!.split(csv('Identità digitale e ANPR per i comuni'), 'test'),
      trusted: false,
    });
    const { id } = await ctx.db.selectFrom('calls').select('id').executeTakeFirstOrThrow();
    const call = await editor.get(`/api/v1/editorial/calls/${id}`);
    expect(call.body.themes).toEqual(['piattaforme.anpr', 'piattaforme.spid-cie']);
    expect(call.body.suggestedThemes).toEqual(['piattaforme.anpr', 'piattaforme.spid-cie']);
    const confirmed = await editor.post(`/api/v1/calls/${id}/themes/confirm`).set('x-csrf-token', editor.csrf);
    expect(confirmed.body.suggestedThemes).toEqual([]);
    expect((await editor.post('/api/v1/calls/00000000-0000-4000-8000-000000000000/themes/confirm').set('x-csrf-token', editor.csrf)).status).toBe(404);
    expect((await editor.get('/api/v1/theme-rules')).body.items).toContainEqual({
      id: rule.body.id,
      kind: 'keyword',
      pattern: 'carta d’identità',
      themeCode: 'piattaforme.spid-cie',
    });
    await admin.delete(`/api/v1/theme-rules/${rule.body.id}`).set('x-csrf-token', admin.csrf).expect(204);
  });

  it('keeps the editors’ themes when the source sends an update', async () => {
    const { id } = await ctx.db.selectFrom('calls').select('id').executeTakeFirstOrThrow();
    await ctx.db.deleteFrom('call_themes').where('call_id', '=', id).execute();
    await ctx.db.insertInto('call_themes').values({ call_id: id, theme_code: 'governance.organizzazione' }).execute();
    const report = await runIngest(ctx.db, clock(), {
      connector: CONNECTORS.csv!,
      location: 'test',
      items: CONNECTORS.csv!.split(csv('Identità digitale e ANPR per i comuni (rettifica)'), 'test'),
      trusted: false,
    });
    expect(report.updated).toBe(1);
    const themes = await ctx.db.selectFrom('call_themes').select('theme_code').where('call_id', '=', id).execute();
    expect(themes).toEqual([{ theme_code: 'governance.organizzazione' }]);
  });
});
