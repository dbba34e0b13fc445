import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/src/plugins/db/embedded.ts';
import { isAlive, spawnEntry, waitFor, type Spawned } from '../helpers/processes.ts';

let dataDir: string;
let port: number;
let env: Record<string, string>;
const running: Spawned[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cruscotto-process-'));
  chmodSync(dataDir, 0o755);
  port = await freePort();
  env = { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' };
});
afterAll(async () => {
  for (const p of running) p.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function startServer(): Promise<Spawned> {
  const server = spawnEntry('server/src/main.ts', [], env);
  running.push(server);
  await waitFor(
    async () => {
      if (server.child.exitCode !== null) throw new Error(`server exited: ${server.output()}`);
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/ready`).catch(() => undefined);
      return res?.status === 200;
    },
    60_000,
    'GET /api/v1/ready to answer 200',
  );
  return server;
}

function clusterPid(): number {
  return Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const lines = readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  const password = readFileSync(join(dataDir, 'postgres-password'), 'utf8').trim();
  const client = new pg.Client({ host: '127.0.0.1', port: Number(lines[3]), user: 'cruscotto', password, database: 'cruscotto' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('npm start on the embedded default', () => {
  it('stops with one clear line and exit code 1 on a bad setting', async () => {
    const bad = spawnEntry('server/src/main.ts', [], { ...env, PORT: 'tremila' });
    expect(await bad.exited).toBe(1);
    const lines = bad.output().trim().split('\n');
    expect(lines).toEqual(['cruscotto: configuration error: PORT must be an integer between 0 and 65535 (got "tremila")']);
  });

  it('starts, serves, refuses a second server on the same DATA_DIR, stops cleanly and keeps data', { timeout: 180_000 }, async () => {
    const first = await startServer();
    expect(first.output()).toContain(`http://127.0.0.1:${port}`);
    const home = await fetch(`http://127.0.0.1:${port}/`);
    expect(await home.text()).toContain('<html lang="it">');

    const cli = spawnEntry('server/src/cli/main.ts', ['migrate', 'status', '--json'], env);
    expect(await cli.exited).toBe(0);
    expect(JSON.parse(cli.output())).toMatchObject({ ok: true, pending: 0 });

    const second = spawnEntry('server/src/main.ts', [], { ...env, PORT: String(port + 1) });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('is already used by another Cruscotto server');

    await withClient((c) => c.query("create table kept_across_restarts (note text); insert into kept_across_restarts values ('ciao')"));
    const postgresPid = clusterPid();
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(isAlive(postgresPid)).toBe(false);

    const again = await startServer();
    const rows = await withClient((c) => c.query('select note from kept_across_restarts'));
    expect(rows.rows).toEqual([{ note: 'ciao' }]);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});

describe('npm run cli', () => {
  it('exits 1 with usage on an unknown subcommand', async () => {
    const cli = spawnEntry('server/src/cli/main.ts', ['migrate', 'sideways'], env);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain('expected one of: up, down, status');
  });

  it('reports failures as JSON with --json', async () => {
    const cli = spawnEntry('server/src/cli/main.ts', ['migrate', 'status', '--json'], { ...env, DATABASE_URL: 'postgres://x:y@127.0.0.1:1/none' });
    expect(await cli.exited).toBe(1);
    expect(JSON.parse(cli.output().trim().split('\n').at(-1)!)).toMatchObject({ ok: false, error: expect.any(String) });
  });
});
