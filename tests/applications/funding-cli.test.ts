import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCall } from '../../server/src/modules/calls/calls.service.ts';
import { clockAt } from '../../server/src/shared/clock.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput } from '../helpers/calls.ts';
import { fundingFile } from '../helpers/funding.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { spawnEntry } from '../helpers/processes.ts';

const ctx = useTestApp();
const CREMA = '019035';
const CUP = 'J11F26000240006';
let callId: string;
let rtd: Agent;

beforeAll(async () => {
  await createComune(ctx.db, CREMA, 'Crema');
  callId = await ctx.db.transaction().execute((trx) =>
    createCall(
      trx,
      { request: null, userId: null },
      callInput({ title: 'Avviso Misura 1.4.1', programme: { kind: 'pnrr', code: 'M1C1I1.4.1' } }),
      clockAt(14),
      {
        status: 'published',
      },
    ),
  );
  await createTestUser(ctx.db, 'rtd@crema.it', 'rtd', [CREMA]);
  rtd = await loginAs(ctx.app, 'rtd@crema.it');
});

describe('funding-history import from the CLI', () => {
  it('moves a submitted application with the same CUP to "finanziata", as the app’s own import does', { timeout: 120_000 }, async () => {
    const url = `/api/v1/comuni/${CREMA}/applications/${callId}`;
    await rtd.put(url).set('x-csrf-token', rtd.csrf).send({ status: 'presentata', cup: CUP }).expect(201);
    const file = join(mkdtempSync(join(tmpdir(), 'cruscotto-funding-')), 'candidature_comuni.csv');
    writeFileSync(file, fundingFile({ istat: CREMA, name: 'Crema', cup: CUP, measure: '1.4.1', fundedOn: '2026-10-01' }));
    const cli = spawnEntry('server/src/cli/main.ts', ['import', 'funding-history', file, '--json'], {
      DATABASE_URL: ctx.database.url,
      SESSION_SECRET: 'cli-secret-cli-secret-cli-secret-000000',
    });
    expect(await cli.exited).toBe(0);
    const application = (await rtd.get(url)).body;
    expect(application).toMatchObject({ status: 'finanziata', statusSource: 'importazione' });
    expect(application.steps.filter((s: { phase: string }) => s.phase === 'attuazione')[0]).toMatchObject({
      title: 'Contrattualizzazione del fornitore',
      dueOn: '2027-03-30',
    });
  });
});
