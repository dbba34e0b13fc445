import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runningCluster } from '../../server/src/plugins/db/embedded.ts';
import { interrupt, isAlive, spawnEntry, waitFor, type Spawned } from '../helpers/processes.ts';

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
  // A failed test may leave the cluster of a killed server behind.
  const orphan = runningCluster(join(dataDir, 'postgres'));
  if (orphan) process.kill(orphan.pid, 'SIGINT');
  await waitFor(() => !orphan || !isAlive(orphan.pid), 30_000, 'PostgreSQL to stop');
  rmSync(dataDir, { recursive: true, force: true });
});

async function startServer(options: { ownProcessGroup?: boolean } = {}): Promise<Spawned> {
  const server = spawnEntry('server/src/main.ts', [], env, options);
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

describe('npm start stopped by Ctrl-C', () => {
  it('stops without an error or a stack trace, PostgreSQL included', { timeout: 180_000 }, async () => {
    const server = await startServer({ ownProcessGroup: true });
    // Long enough for the workers and the job queue to hold connections when the signal comes.
    await new Promise((r) => setTimeout(r, 3000));
    const postgresPid = clusterPid();
    const atStop = server.output().length;
    interrupt(server);
    expect(await server.exited).toBe(0);
    const output = server.output().slice(atStop);
    expect(output).not.toMatch(/"level":(50|60)|^\s+at |Error/m);
    expect(isAlive(postgresPid)).toBe(false);
  });

  it('after a crash, stops the PostgreSQL the killed server left running, and closes the runs it left', { timeout: 240_000 }, async () => {
    const crashed = await startServer({ ownProcessGroup: true });
    const runner = { runner_host: hostname(), runner_id: randomUUID() };
    await withClient((c) =>
      c.query(
        `insert into ingest_runs (kind, location, runner_host, runner_pid, runner_id) values
           ('padigitale2026', 'https://example.org/interrotta', $1, $2, $3), ('padigitale2026', 'https://example.org/in-corso', $1, $4, $3)`,
        [runner.runner_host, crashed.child.pid, runner.runner_id, process.pid],
      ),
    );
    const orphanPid = clusterPid();
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    expect(isAlive(orphanPid)).toBe(true);

    const restarted = await startServer({ ownProcessGroup: true });
    expect(clusterPid()).toBe(orphanPid);
    const runs = await withClient((c) =>
      c.query("select location, status, error from ingest_runs where location like 'https://example.org/%' order by location"),
    );
    expect(runs.rows).toEqual([
      { location: 'https://example.org/in-corso', status: 'running', error: null },
      { location: 'https://example.org/interrotta', status: 'failed', error: 'interrotta: il processo che la eseguiva si è fermato' },
    ]);
    interrupt(restarted);
    expect(await restarted.exited).toBe(0);
    expect(isAlive(orphanPid)).toBe(false);
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
