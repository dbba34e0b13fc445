import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { callInput } from '../helpers/calls.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { spawnEntry } from '../helpers/processes.ts';

const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false' } });
let editor: Agent;

beforeAll(async () => {
  await createTestUser(ctx.db, 'sola@anci.example.it', 'editor');
  editor = await loginAs(ctx.app, 'sola@anci.example.it');
});

describe('with REVIEW_REQUIRED=false', () => {
  it('lets a single editor publish a draft directly', async () => {
    const { body: draft } = await editor.post('/api/v1/calls').set('x-csrf-token', editor.csrf).send(callInput());
    const published = await editor.post(`/api/v1/calls/${draft.id}/publish`).set('x-csrf-token', editor.csrf);
    expect(published.status).toBe(200);
    expect(published.body.editorialStatus).toBe('published');
  });

  it('puts an edit of a published call live at once, with its material-change event', async () => {
    const { body: draft } = await editor
      .post('/api/v1/calls')
      .set('x-csrf-token', editor.csrf)
      .send(callInput({ title: 'Avviso pubblicato subito' }));
    await editor.post(`/api/v1/calls/${draft.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
    const money = { totalBudget: 1_000_000, amount: { kind: 'fixed' as const, amount: 12_000 } };
    const edited = await editor
      .put(`/api/v1/calls/${draft.id}`)
      .set('x-csrf-token', editor.csrf)
      .send(callInput({ title: 'Avviso pubblicato e corretto', money }));
    expect(edited.body).toMatchObject({ editorialStatus: 'published', title: 'Avviso pubblicato e corretto', pendingRevision: null });
    expect((await request(ctx.app.server).get(`/api/v1/calls/${draft.id}`)).body).toMatchObject({
      title: 'Avviso pubblicato e corretto',
      money: { amount: { kind: 'fixed', amount: 12_000 } },
    });
    const events = await ctx.db.selectFrom('call_events').select('kind').where('call_id', '=', draft.id).orderBy('id').execute();
    expect(events.map((e) => e.kind)).toEqual(['call.published', 'call.changed']);
  });
});

describe('npm run cli -- ingest', () => {
  it('ingests a CSV file and prints one JSON report', { timeout: 30_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cruscotto-ingest-')), 'bandi.csv');
    writeFileSync(
      file,
      'id_esterno;titolo;ente;programma;tipi_ente;procedura;apertura;chiusura\nR1;Bando regionale di prova;Regione Lombardia;regionale;comune;sportello;01/12/2026;31/01/2027\n',
    );
    const cli = spawnEntry('server/src/cli/main.ts', ['ingest', 'csv', file, '--json'], {
      DATABASE_URL: ctx.database.url,
      SESSION_SECRET: 'cli-secret-cli-secret-cli-secret-000000',
    });
    expect(await cli.exited).toBe(0);
    expect(JSON.parse(cli.output().trim().split('\n').at(-1)!)).toMatchObject({ ok: true, kind: 'csv', created: 1 });
    const missing = spawnEntry('server/src/cli/main.ts', ['ingest', 'csv', '/nonexistent.csv', '--json'], {
      DATABASE_URL: ctx.database.url,
      SESSION_SECRET: 'cli-secret-cli-secret-cli-secret-000000',
    });
    expect(await missing.exited).toBe(1);
    expect(JSON.parse(missing.output().trim().split('\n').at(-1)!)).toMatchObject({ ok: false });
  });
});
