import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { failAbandonedRuns } from '../../server/src/modules/ingest/ingest.queries.ts';
import { THIS_PROCESS } from '../../server/src/process-alive.ts';
import { useTestApp } from '../helpers/app.ts';

const ctx = useTestApp();
const HOUR = 3_600_000;
const runs: Record<string, string> = {};

/** The pid of a process that has already ended. */
const deadPid = () => spawnSync('true').pid!;

beforeAll(async () => {
  const now = Date.now();
  const here = (pid: number, id = randomUUID()) => ({ runner_host: THIS_PROCESS.host, runner_pid: pid, runner_id: id });
  const rows = {
    deadHere: { ...here(deadPid()), started_at: new Date(now - 60_000) },
    earlierStartOfThisPid: { ...here(THIS_PROCESS.pid), started_at: new Date(now - 60_000) },
    liveHere: { ...here(process.ppid), started_at: new Date(now - 60_000) },
    mine: { ...here(THIS_PROCESS.pid, THIS_PROCESS.id), started_at: new Date(now - 60_000) },
    elsewhereLong: { runner_host: 'altro-server', runner_pid: 1, runner_id: randomUUID(), started_at: new Date(now - 2 * HOUR) },
    elsewhereRecent: { runner_host: 'altro-server', runner_pid: 1, runner_id: randomUUID(), started_at: new Date(now - 10 * 60_000) },
    legacyLong: { runner_host: null, runner_pid: null, runner_id: null, started_at: new Date(now - 2 * HOUR) },
    finishedDeadHere: { ...here(deadPid()), started_at: new Date(now - 2 * HOUR), status: 'succeeded' as const, finished_at: new Date(now - HOUR) },
  };
  for (const [name, row] of Object.entries(rows)) {
    const { id } = await ctx.db
      .insertInto('ingest_runs')
      .values({ kind: 'padigitale2026', location: `https://example.org/${name}`, ...row })
      .returning('id')
      .executeTakeFirstOrThrow();
    runs[name] = id;
  }
});

describe('runs a crash left running', () => {
  it('are closed as failed at once when their process on this host is gone, after an hour otherwise', async () => {
    expect(await failAbandonedRuns(ctx.db)).toBe(4);
    const rows = await ctx.db.selectFrom('ingest_runs').select(['id', 'status', 'error', 'finished_at']).execute();
    const state = Object.fromEntries(
      Object.entries(runs).map(([name, id]) => {
        const row = rows.find((r) => r.id === id)!;
        return [name, row.status === 'failed' ? row.error : row.status];
      }),
    );
    expect(state).toEqual({
      deadHere: 'interrotta: il processo che la eseguiva si è fermato',
      earlierStartOfThisPid: 'interrotta: il processo che la eseguiva si è fermato',
      liveHere: 'running',
      mine: 'running',
      elsewhereLong: 'interrotta: nessun esito dopo 60 minuti, il processo che la eseguiva si è fermato o non risponde',
      elsewhereRecent: 'running',
      legacyLong: 'interrotta: nessun esito dopo 60 minuti, il processo che la eseguiva si è fermato o non risponde',
      finishedDeadHere: 'succeeded',
    });
    expect(rows.filter((r) => r.status === 'failed').every((r) => r.finished_at !== null)).toBe(true);
    expect(await failAbandonedRuns(ctx.db)).toBe(0);
  });
});
