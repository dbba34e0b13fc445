import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});

describe('npm run cli -- ingest', () => {
  it('ingests a CSV file and prints one JSON report', { timeout: 30_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cruscotto-ingest-')), 'bandi.csv');
    writeFileSync(file, 'id_esterno;titolo;ente;programma;tipi_ente;procedura;apertura;chiusura\nR1;Bando regionale di prova;Regione Lombardia;regionale;comune;sportello;01/12/2026;31/01/2027\n');
    const cli = spawnEntry('server/src/cli/main.ts', ['ingest', 'csv', file, '--json'], { DATABASE_URL: ctx.database.url, SESSION_SECRET: 'cli-secret-cli-secret-cli-secret-000000' });
    expect(await cli.exited).toBe(0);
    expect(JSON.parse(cli.output().trim().split('\n').at(-1)!)).toMatchObject({ ok: true, kind: 'csv', created: 1 });
    const missing = spawnEntry('server/src/cli/main.ts', ['ingest', 'csv', '/nonexistent.csv', '--json'], { DATABASE_URL: ctx.database.url, SESSION_SECRET: 'cli-secret-cli-secret-cli-secret-000000' });
    expect(await missing.exited).toBe(1);
    expect(JSON.parse(missing.output().trim().split('\n').at(-1)!)).toMatchObject({ ok: false });
  });
});
