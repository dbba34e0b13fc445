import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { Db } from '../../server/src/plugins/db/database.ts';
import { startWebProcess, startWorkerProcess, type AppProcess } from '../helpers/app-processes.ts';
import { callInput } from '../helpers/calls.ts';
import { createTestDatabase, openDb, type TestDatabase } from '../helpers/database.ts';
import { createComune, createTestUser, PASSWORD, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

/**
 * The production shape on one PostgreSQL: two web processes (RUN_WORKERS=false) behind which users
 * land at random, and two `npm run worker` processes sharing the jobs, all real child processes.
 */
const COMUNI = [
  { istat: '019001', name: 'Acquanegra Cremonese' },
  { istat: '019002', name: 'Agnadello' },
  { istat: '019003', name: 'Annicco' },
  { istat: '019004', name: 'Azzanello' },
];
const rtdOf = (istat: string) => `rtd.${istat}@comune.example.it`;
const EDITOR = 'redazione@anci.example.it';
const IMMEDIATE = { comuni: [], email: 'immediate', inApp: true, themes: [], programmes: [], minScore: 0, eligibleOnly: false, reminderDays: [7] };
/** Well under the caches' own lifetimes (30 s for searches, 10 minutes otherwise): only a notification explains a fresh answer. */
const SEEN_WITHIN_MS = 5000;

let database: TestDatabase;
let db: Db;
let sink: SmtpSink;
let dataDir: string;
let webA: AppProcess;
let webB: AppProcess;
let workers: AppProcess[] = [];
/** Set by the kill test: the next message the SMTP server reads is never answered. */
let holdNext = false;
/** The client port of the SMTP connection whose message is held. */
let heldFrom: number | undefined;

/** Which of these processes has a TCP socket on this local port (Linux: /proc/net/tcp and each process's file descriptors). */
function ownerOfLocalPort(pids: number[], port: number): number | undefined {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set(
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(suffix))
      .map((fields) => `socket:[${fields[9]}]`),
  );
  const holds = (pid: number, fd: string) => {
    try {
      return inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      return false; // closed while we looked
    }
  };
  return pids.find((pid) => readdirSync(`/proc/${pid}/fd`).some((fd) => holds(pid, fd)));
}

async function loginAt(url: string, email: string): Promise<Agent> {
  const agent = request.agent(url) as Agent;
  const before = await agent.get('/api/v1/auth/csrf');
  await agent.post('/api/v1/auth/login').set('x-csrf-token', before.body.token).send({ email, password: PASSWORD }).expect(200);
  agent.csrf = (await agent.get('/api/v1/auth/csrf')).body.token;
  return agent;
}

async function publish(editor: Agent, title: string): Promise<string> {
  const draft = await editor.post('/api/v1/calls').set('x-csrf-token', editor.csrf).send(callInput({ title })).expect(201);
  await editor.post(`/api/v1/calls/${draft.body.id}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  return draft.body.id as string;
}

/** Every call event matched and alerted, every queued comune rematched, every message out of the queue. */
async function workersIdle(): Promise<boolean> {
  const { rows } = await sql<{ pending: number }>`
    select (select count(*) from call_events where processed_at is null or alerted_at is null)
         + (select count(*) from rematch_queue where processed_at is null)
         + (select count(*) from alert_deliveries where status <> 'sent')
         + (select count(*) from search_outbox where processed_at is null) as pending`.execute(db);
  return rows[0]!.pending === 0;
}

/** How many times each (call, comune) match was written, read from a log the test keeps with a trigger. */
async function matchWrites(since: Date): Promise<Map<string, number>> {
  const rows = await sql<{ key: string; writes: number }>`
    select call_id || ':' || comune_istat as key, count(*)::int as writes from test_match_writes where at >= ${since} group by 1`.execute(db);
  return new Map(rows.rows.map((r) => [r.key, r.writes]));
}

const opportunityIds = async (agent: Agent, istat: string) =>
  ((await agent.get(`/api/v1/comuni/${istat}/opportunities?limit=100`).expect(200)).body.items as { call: { id: string } }[]).map((o) => o.call.id);
const searchTotal = async (url: string, q: string) => (await request(url).get(`/api/v1/calls/search?q=${q}`).expect(200)).body.total as number;
const mailsAbout = (title: string) => sink.messages.filter((m) => m.subject?.endsWith(title));

beforeAll(async () => {
  database = await createTestDatabase();
  db = openDb(database);
  await sql`create table test_match_writes (call_id text, comune_istat text, at timestamptz not null default clock_timestamp())`.execute(db);
  await sql`create function test_log_match() returns trigger language plpgsql as $$
    begin insert into test_match_writes (call_id, comune_istat) values (new.call_id, new.comune_istat); return new; end $$`.execute(db);
  await sql`create trigger test_log_match after insert or update on matches for each row execute function test_log_match()`.execute(db);
  for (const c of COMUNI) {
    await createComune(db, c.istat, c.name);
    await createTestUser(db, rtdOf(c.istat), 'rtd', [c.istat]);
  }
  await createTestUser(db, EDITOR, 'editor');
  sink = await startSmtpSink((_mail, session) => {
    if (!holdNext) return 'accept';
    holdNext = false;
    heldFrom = session.remotePort;
    return 'hold';
  });
  dataDir = mkdtempSync(join(tmpdir(), 'cruscotto-multi-'));
  // One DATA_DIR for all four, as processes of one machine share it: it holds no lock once the database is external.
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    SESSION_SECRET: 'multi-process-secret-multi-process-0123',
    SMTP_URL: sink.url,
    REVIEW_REQUIRED: 'false',
    RATE_LIMIT_MAX: '100000',
    PUBLIC_BASE_URL: 'http://cruscotto.example.it',
  };
  const starts = await Promise.allSettled([startWebProcess(env), startWebProcess(env), startWorkerProcess(env), startWorkerProcess(env)]);
  const started = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (started.length < starts.length) {
    // One that did not start must not leave the others running.
    await Promise.all(started.map((p) => p.stop()));
    throw (starts.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason;
  }
  [webA, webB, ...workers] = started as [AppProcess, AppProcess, ...AppProcess[]];
}, 400_000);

afterAll(async () => {
  await Promise.all([webA, webB, ...workers].filter(Boolean).map((p) => p.stop()));
  await sink?.close();
  await db?.destroy();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// A failure shows what the processes logged (warnings and errors).
beforeEach(() => onTestFailed(() => console.error([webA, webB, ...workers].map((p) => `${p.role} ${p.pid}:\n${p.spawned.output()}`).join('\n'))));

describe('two web processes and two workers on one PostgreSQL', () => {
  it('computes every match once, delivers every alert once and refreshes the caches of both web processes', { timeout: 60_000 }, async () => {
    const editorA = await loginAt(webA.url, EDITOR);
    const editorB = await loginAt(webB.url, EDITOR);
    const rtds = await Promise.all(COMUNI.map((c, i) => loginAt(i % 2 === 0 ? webA.url : webB.url, rtdOf(c.istat))));
    await Promise.all(rtds.map((rtd) => rtd.put('/api/v1/me/subscriptions').set('x-csrf-token', rtd.csrf).send(IMMEDIATE).expect(200)));
    // Both web processes have the empty answers in memory before anything is published.
    const watcherA = await loginAt(webA.url, rtdOf(COMUNI[0]!.istat));
    const watcherB = await loginAt(webB.url, rtdOf(COMUNI[0]!.istat));
    for (const agent of [watcherA, watcherB]) expect(await opportunityIds(agent, COMUNI[0]!.istat)).toEqual([]);
    for (const url of [webA.url, webB.url]) expect(await searchTotal(url, 'geoportale')).toBe(0);

    const since = new Date();
    const titles = ['Geoportale per i piccoli comuni', 'Biblioteche digitali', 'Sportello telematico', 'Cartelle cliniche'];
    const ids = await Promise.all(titles.map((title, i) => publish(i % 2 === 0 ? editorA : editorB, title)));

    // Published through A and B; each web process sees every call in the opportunities and the search.
    for (const agent of [watcherA, watcherB]) {
      await waitFor(async () => (await opportunityIds(agent, COMUNI[0]!.istat)).length === ids.length, SEEN_WITHIN_MS, 'the opportunities');
    }
    for (const url of [webA.url, webB.url]) await waitFor(async () => (await searchTotal(url, 'geoportale')) === 1, SEEN_WITHIN_MS, 'the search');

    await waitFor(workersIdle, 20_000, 'the workers to finish');
    const writes = await matchWrites(since);
    expect(writes.size).toBe(ids.length * COMUNI.length);
    expect([...writes.values()].every((n) => n === 1)).toBe(true);

    const expected = titles.length * COMUNI.length;
    expect(sink.messages).toHaveLength(expected);
    expect(new Set(sink.messages.map((m) => `${m.to && 'text' in m.to ? m.to.text : ''}|${m.subject}`)).size).toBe(expected);
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(expected);
  });

  it('rematches each comune once when its RTD changes its interests, and both web processes show the new profile at once', { timeout: 30_000 }, async () => {
    const since = new Date();
    await Promise.all(COMUNI.map((c) => request(webA.url).get(`/api/v1/comuni/${c.istat}`).expect(200)));
    await Promise.all(COMUNI.map((c) => request(webB.url).get(`/api/v1/comuni/${c.istat}`).expect(200)));
    for (const [i, c] of COMUNI.entries()) {
      const [writer, reader] = i % 2 === 0 ? [webA, webB] : [webB, webA];
      const rtd = await loginAt(writer.url, rtdOf(c.istat));
      await rtd
        .put(`/api/v1/comuni/${c.istat}/profile`)
        .set('x-csrf-token', rtd.csrf)
        .send({ contacts: [], interests: ['piattaforme.pagopa'], notes: null })
        .expect(200);
      await waitFor(
        async () => (await request(reader.url).get(`/api/v1/comuni/${c.istat}`)).body.interests?.[0]?.code === 'piattaforme.pagopa',
        1000,
        `the interests of ${c.name} through the other web process`,
      );
    }
    await waitFor(workersIdle, 20_000, 'the rematch');
    const writes = await matchWrites(since);
    expect(writes.size).toBe(4 * COMUNI.length);
    expect([...writes.values()].every((n) => n === 1)).toBe(true);
  });

  it('loses no message when a worker is killed while sending one', { timeout: 40_000 }, async () => {
    const editor = await loginAt(webB.url, EDITOR);
    holdNext = true;
    const title = 'Domicilio digitale';
    await publish(editor, title);
    // The worker that took the held message waits for the SMTP server inside its transaction.
    await waitFor(() => heldFrom !== undefined, 15_000, 'a message to hold');
    const holder = ownerOfLocalPort(
      workers.map((w) => w.pid),
      heldFrom!,
    );
    const killed = workers.find((w) => w.pid === holder)!;
    const survivor = workers.find((w) => w !== killed)!;
    expect(killed).toBeDefined();
    killed.spawned.child.kill('SIGKILL');
    expect(await killed.spawned.exited).toBeNull();

    const messageIds = () => new Set(mailsAbout(title).map((m) => m.messageId));
    await waitFor(async () => messageIds().size >= COMUNI.length && (await workersIdle()), 15_000, 'every message of the last call');
    // Every message reaches its recipient. The killed worker's other lanes may have had a message
    // accepted by the SMTP server but not yet marked sent: that one goes again with the same
    // Message-ID (the at-least-once window the README states), so messages are counted by Message-ID.
    expect(messageIds().size).toBe(COMUNI.length);
    expect(new Set(mailsAbout(title).map((m) => (m.to && 'text' in m.to ? m.to.text : ''))).size).toBe(COMUNI.length);
    expect(survivor.spawned.child.exitCode).toBeNull();
  });
});
