// A day in the life (issue 21): virtual users, each with its own session and its own address, doing
// what each kind of user does, with a think time between clicks. The app runs as production would:
// rate limiter on at its default (RATE_LIMIT_MAX=600 a minute per address), behind a proxy
// (TRUST_PROXY=loopback: each user's address comes from X-Forwarded-For, as behind nginx or Caddy).
import { sql } from 'kysely';
import { createDb } from '../src/plugins/db/database.ts';
import { benchCall } from './matching.ts';
import type { BenchPerson } from './people.ts';

export interface EndpointFigures {
  endpoint: string;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

interface Catalogue {
  openCalls: string[];
  anyCalls: string[];
  comuni: { istat: string; name: string }[];
  programming: Map<string, string[]>;
}

interface Request {
  endpoint: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
}

interface VirtualUser {
  kind: 'anonymous' | BenchPerson['persona'];
  cookie: string;
  csrf: string;
  address: string;
  comuni: string[];
}

const SEARCH_WORDS = ['archivi', 'cybersicurezza', 'biblioteche', 'mobilita', 'turismo', 'scuole', 'sportello', 'pagamenti', 'cloud', 'open data'];
const FACETS = 'facets=status&facets=programme&facets=themes&facets=amount&facets=deadline';
/** Share of clicks that change something, as the issue asks. */
const WRITE_SHARE = 0.02;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
let distinct = 0;

/** What each kind of user reads; the weights repeat an entry. */
function readFor(user: VirtualUser, data: Catalogue): Request {
  const call = pick(data.openCalls);
  const istat = user.comuni.length > 0 ? pick(user.comuni) : pick(data.comuni).istat;
  const get = (endpoint: string, path: string): Request => ({ endpoint: `GET ${endpoint}`, method: 'GET', path });
  switch (user.kind) {
    case 'anonymous':
      return pick([
        get('/calls?status=aperto', '/calls?status=aperto&status=in_scadenza&sort=deadline&limit=20'),
        get('/calls?status=aperto', '/calls?status=aperto&sort=-published&limit=20'),
        get(
          '/calls/search (distinct words)',
          `/calls/search?q=${encodeURIComponent(SEARCH_WORDS[distinct % 10]!)}&offset=${Math.floor(distinct++ / 10) % 200}&${FACETS}`,
        ),
        get(
          '/calls/search (distinct words)',
          `/calls/search?q=${encodeURIComponent(SEARCH_WORDS[distinct % 10]!)}&offset=${Math.floor(distinct++ / 10) % 200}&${FACETS}`,
        ),
        get('/calls/{id}', `/calls/${call}`),
        get('/calls/{id}', `/calls/${pick(data.anyCalls)}`),
        get('/comuni?q=', `/comuni?q=${encodeURIComponent(pick(data.comuni).name.slice(0, 3).toLowerCase())}`),
        get('/comuni/{istat}/open-calls', `/comuni/${istat}/open-calls`),
        get('/comuni/{istat}/open-calls/{callId}', `/comuni/${istat}/open-calls/${call}`),
      ]);
    case 'rtd':
    case 'office':
      return pick([
        get('/comuni/{istat}/opportunities', `/comuni/${istat}/opportunities`),
        get('/comuni/{istat}/opportunities', `/comuni/${istat}/opportunities`),
        get('/comuni/{istat}/opportunities/{callId}', `/comuni/${istat}/opportunities/${call}`),
        get('/comuni/{istat}/programming', `/comuni/${istat}/programming`),
        get('/me/notifications', '/me/notifications'),
        user.kind === 'office' ? get('/me/opportunities', '/me/opportunities') : get('/auth/session', '/auth/session'),
      ]);
    case 'editor':
      return pick([
        get('/editorial/calls', '/editorial/calls?limit=20'),
        get('/editorial/calls', `/editorial/calls?queue=${pick(['drafts', 'review', 'published'])}&limit=20`),
        get('/editorial/calls/counts', '/editorial/calls/counts'),
        get('/editorial/calls/{id}', `/editorial/calls/${pick(data.anyCalls)}`),
      ]);
    case 'viewer':
      return pick([
        get('/coverage/uncovered', '/coverage/uncovered?region=03'),
        get('/coverage/uncovered', '/coverage/uncovered?region=03&sizeClass=fino-5000'),
        get('/analytics/needs', '/analytics/needs'),
        get(
          '/calls/search (distinct words)',
          `/calls/search?q=${encodeURIComponent(SEARCH_WORDS[distinct % 10]!)}&offset=${Math.floor(distinct++ / 10) % 200}&${FACETS}`,
        ),
      ]);
  }
}

let drafts = 0;
/** The changes each kind of user makes: a feedback answer, an intervention, a read mark, a draft. */
function writeFor(user: VirtualUser, data: Catalogue): Request {
  const call = pick(data.openCalls);
  const programmed = user.comuni.find((istat) => data.programming.has(istat));
  if ((user.kind === 'rtd' || user.kind === 'office') && programmed) {
    const body = { title: `Intervento aggiornato ${Date.now()}`, themes: ['sicurezza'], startYear: 2026, endYear: 2027, estimatedCost: 45_000 };
    return {
      endpoint: 'PUT /comuni/{istat}/programming/{id}',
      method: 'PUT',
      path: `/comuni/${programmed}/programming/${pick(data.programming.get(programmed)!)}`,
      body,
    };
  }
  if (user.kind === 'rtd' || user.kind === 'office')
    return { endpoint: 'POST /me/notifications/read', method: 'POST', path: '/me/notifications/read', body: {} };
  if (user.kind === 'editor') {
    const draft = { ...benchCall(drafts, new Date()), title: `Bozza della giornata ${drafts++}` };
    return { endpoint: 'POST /calls (draft)', method: 'POST', path: '/calls', body: draft };
  }
  return { endpoint: 'POST /calls/{id}/feedback', method: 'POST', path: `/calls/${call}/feedback`, body: { useful: Math.random() < 0.8 } };
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((line) => line.split(';')[0]!);
}

/** The CSRF token (and, for an anonymous user, its pre-session cookie) the SPA fetches at start. */
async function startUser(url: string, user: Omit<VirtualUser, 'csrf'>): Promise<VirtualUser> {
  const response = await fetch(`${url}/api/v1/auth/csrf`, { headers: { cookie: user.cookie, 'x-forwarded-for': user.address } });
  const cookie = [user.cookie, ...cookiesOf(response)].filter(Boolean).join('; ');
  const { token } = (await response.json()) as { token: string };
  return { ...user, cookie, csrf: token };
}

async function catalogue(databaseUrl: string, people: BenchPerson[]): Promise<Catalogue> {
  const db = createDb(databaseUrl, { max: 2 });
  try {
    const now = new Date();
    const open = await sql<{ id: string }>`
      select c.id from calls c where c.editorial_status = 'published' and c.merged_into is null
        and c.opens_at <= ${now} and (c.closes_at is null or c.closes_at > ${now}) order by c.id limit 1000`.execute(db);
    const any = await sql<{ id: string }>`select id from calls where editorial_status = 'published' order by random() limit 2000`.execute(db);
    const comuni = await db.selectFrom('comuni').select(['istat', 'name']).where('valid_to', 'is', null).execute();
    const rtdComuni = people.filter((p) => p.persona === 'rtd').map((p) => p.comuni[0]!);
    const items = await db.selectFrom('programming_items').select(['id', 'comune_istat']).where('comune_istat', 'in', rtdComuni).execute();
    const programming = new Map<string, string[]>();
    for (const item of items) programming.set(item.comune_istat, [...(programming.get(item.comune_istat) ?? []), item.id]);
    return { openCalls: open.rows.map((r) => r.id), anyCalls: any.rows.map((r) => r.id), comuni, programming };
  } finally {
    await db.destroy();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The mix of the crowd: 40 % anonymous, 40 % RTDs (one in eight an associated office), 10 % editors, 10 % viewers. */
function crowd(people: BenchPerson[], size: number): Omit<VirtualUser, 'csrf'>[] {
  const byPersona = (persona: BenchPerson['persona']) => people.filter((p) => p.persona === persona);
  const pools = { rtd: byPersona('rtd'), office: byPersona('office'), editor: byPersona('editor'), viewer: byPersona('viewer') };
  return Array.from({ length: size }, (_, i) => {
    const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const slot = i % 10;
    if (slot < 4) return { kind: 'anonymous' as const, cookie: '', address, comuni: [] };
    const persona = slot < 8 ? (i % 8 === 0 ? 'office' : 'rtd') : slot === 8 ? 'editor' : 'viewer';
    const person = pools[persona][i % pools[persona].length]!;
    return { kind: persona, cookie: `cruscotto_session=${person.session}`, address, comuni: person.comuni };
  });
}

export interface DayOptions {
  users: number;
  seconds: number;
  /** Pause between two clicks of one user, in ms, drawn uniformly from the range. */
  thinkMs: [number, number];
}

/** Runs the crowd for `seconds` and returns the figures per endpoint, the total last. */
export async function dayInTheLife(url: string, databaseUrl: string, people: BenchPerson[], options: DayOptions): Promise<EndpointFigures[]> {
  const data = await catalogue(databaseUrl, people);
  const users = await Promise.all(crowd(people, options.users).map((user) => startUser(url, user)));
  const latencies = new Map<string, number[]>();
  const errors = new Map<string, number>();
  const deadline = performance.now() + options.seconds * 1000;
  const [minThink, maxThink] = options.thinkMs;

  async function live(user: VirtualUser) {
    // Users do not all click in the same millisecond.
    await new Promise((done) => setTimeout(done, Math.random() * maxThink));
    while (performance.now() < deadline) {
      const request = Math.random() < WRITE_SHARE ? writeFor(user, data) : readFor(user, data);
      const headers: Record<string, string> = { 'x-forwarded-for': user.address, cookie: user.cookie, 'x-csrf-token': user.csrf };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      const started = performance.now();
      let ok: boolean;
      try {
        const response = await fetch(`${url}/api/v1${request.path}`, {
          method: request.method,
          headers,
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        });
        await response.arrayBuffer();
        ok = response.status < 400;
      } catch {
        ok = false;
      }
      const took = performance.now() - started;
      const seen = latencies.get(request.endpoint) ?? [];
      seen.push(took);
      latencies.set(request.endpoint, seen);
      if (!ok) errors.set(request.endpoint, (errors.get(request.endpoint) ?? 0) + 1);
      await new Promise((done) => setTimeout(done, minThink + Math.random() * (maxThink - minThink)));
    }
  }
  await Promise.all(users.map(live));

  const figures = (endpoint: string, values: number[], failed: number): EndpointFigures => {
    const sorted = [...values].sort((a, b) => a - b);
    return { endpoint, requests: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), errors: failed };
  };
  const rows = [...latencies.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([endpoint, values]) => figures(endpoint, values, errors.get(endpoint) ?? 0));
  const all = [...latencies.values()].flat();
  return [
    ...rows,
    figures(
      'total',
      all,
      [...errors.values()].reduce((a, b) => a + b, 0),
    ),
  ];
}

export function formatDay(rows: EndpointFigures[], seconds: number): string {
  const header = ['endpoint', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'];
  const lines = rows.map((r) => [
    r.endpoint,
    String(r.requests),
    (r.requests / seconds).toFixed(1),
    r.p50.toFixed(1),
    r.p95.toFixed(1),
    r.p99.toFixed(1),
    String(r.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines].map((l) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}
