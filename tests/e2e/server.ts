import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/src/plugins/config.ts';
import { freePort } from '../../server/src/plugins/db/embedded.ts';
import { startServer, type RunningServer } from '../../server/src/runtime.ts';
import { createTestDatabase, openDb, type TestDatabase } from '../helpers/database.ts';
import type { Db } from '../../server/src/plugins/db/database.ts';
import type { CallInput } from '../../server/src/modules/calls/calls.schemas.ts';
import type { Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';

export interface E2eServer {
  url: string;
  db: Db;
  server: RunningServer;
  database: TestDatabase;
  stop(): Promise<void>;
}

/** The real server, jobs included, on a fresh database of the embedded PostgreSQL. */
export async function startE2eServer(env: Record<string, string> = {}, port?: number): Promise<E2eServer> {
  const database = await createTestDatabase();
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: String(port),
    PUBLIC_BASE_URL: url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cruscotto-e2e-')),
    SESSION_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_MAX: '100000',
    REVIEW_REQUIRED: 'false',
    ...env,
  });
  const server = await startServer(config);
  const db = openDb(database);
  return {
    url,
    db,
    server,
    database,
    async stop() {
      await server.stop();
      await db.destroy();
      await database.drop();
    },
  };
}

/** Which stored matches show that matching has taken a published call in. */
export type MatchedWhen = { comuni: string[] } | { moreThan: number };

/**
 * Creates and publishes a call through the API, as an editor does, and waits until matching has stored
 * it (`matched`): for each of these comuni, or for more than so many. Returns the call as created.
 */
export async function publishCall(
  server: E2eServer,
  editor: Agent,
  input: CallInput,
  matched?: MatchedWhen,
  timeoutMs = 20_000,
): Promise<{ id: string; title: string }> {
  const { body } = await editor.post('/api/v1/calls').set('x-csrf-token', editor.csrf).send(input).expect(201);
  await editor.post(`/api/v1/calls/${body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  if (matched) {
    const stored = async () => {
      const query = server.db.selectFrom('matches').select('comune_istat').where('call_id', '=', body.id);
      return ('comuni' in matched ? query.where('comune_istat', 'in', matched.comuni) : query).execute();
    };
    const enough = 'comuni' in matched ? matched.comuni.length : matched.moreThan + 1;
    await waitFor(async () => (await stored()).length >= enough, timeoutMs, 'the call to be matched');
  }
  return { id: body.id, title: body.title };
}

/**
 * The server with the demo people and the demo catalogue dated from today, once matching has given
 * the demo RTD of Crema at least `opportunities` matched calls.
 */
export async function startDemoServer(opportunities = 5): Promise<E2eServer> {
  const server = await startE2eServer();
  const { seedDemo } = await import('../../seeds/demo.ts');
  const { seedDemoCalls } = await import('../../seeds/demo-calls.ts');
  await seedDemo(server.db);
  await seedDemoCalls(server.db, new Date(), 14);
  const matched = () =>
    server.db
      .selectFrom('matches')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('comune_istat', '=', '019035')
      .executeTakeFirstOrThrow();
  await waitFor(async () => Number((await matched()).n) >= opportunities, 30_000, 'the demo calls to be matched to Crema');
  return server;
}
