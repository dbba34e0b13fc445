import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { spawnEntry, waitFor, type Spawned } from '../helpers/processes.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

const ctx = useTestApp();
const MESSAGES = 40;
const KILL_AT = 15;
let sink: SmtpSink;
let worker: Spawned | null = null;

const runWorker = () =>
  spawnEntry('server/src/cli/main.ts', ['alerts', 'run', '--json', '--lanes', '1'], {
    DATABASE_URL: ctx.database.url,
    SMTP_URL: sink.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cruscotto-crash-')),
    SESSION_SECRET: 'x'.repeat(32),
  });

beforeAll(async () => {
  let seen = 0;
  // The worker dies while the SMTP server is reading message KILL_AT: that one is never accepted.
  sink = await startSmtpSink(() => {
    if (++seen !== KILL_AT) return 'accept';
    worker?.child.kill('SIGKILL');
    return 'hold';
  });
  await ctx.db
    .insertInto('alert_deliveries')
    .values(
      Array.from({ length: MESSAGES }, (_, i) => ({
        idempotency_key: `email:test:${i}`,
        channel: 'email' as const,
        message: JSON.stringify({
          to: `rtd${i}@comune.example.it`,
          subject: `Avviso ${i}`,
          text: 'Un nuovo bando.',
          headers: { 'Message-ID': `<avviso.${i}@cruscotto.example.it>` },
        }),
      })),
    )
    .execute();
});
afterAll(() => sink.close());

describe('an alerts worker killed in the middle of a batch', () => {
  it('sends nothing twice and loses nothing once restarted', { timeout: 120_000 }, async () => {
    worker = runWorker();
    expect(await worker.exited).toBeNull(); // killed by the signal, not finished
    expect(sink.messages).toHaveLength(KILL_AT - 1);
    const sent = async () =>
      (
        await ctx.db
          .selectFrom('alert_deliveries')
          .select(({ fn }) => fn.countAll<string>().as('n'))
          .where('status', '=', 'sent')
          .executeTakeFirstOrThrow()
      ).n;
    expect(Number(await sent())).toBe(KILL_AT - 1);

    worker = runWorker();
    expect(await worker.exited).toBe(0);
    await waitFor(() => sink.messages.length >= MESSAGES, 10_000, 'every message');
    const ids = sink.messages.map((m) => m.messageId);
    expect(ids).toHaveLength(MESSAGES);
    expect(new Set(ids).size).toBe(MESSAGES);
    expect(Number(await sent())).toBe(MESSAGES);
    expect(JSON.parse(worker.output().slice(worker.output().indexOf('{')))).toMatchObject({ sent: MESSAGES - KILL_AT + 1, failed: 0 });
  });
});
