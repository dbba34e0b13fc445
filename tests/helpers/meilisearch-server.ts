import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { versionAtLeast } from '../../server/src/plugins/search/meilisearch-tasks.ts';
import { afterAll, beforeAll, beforeEach } from 'vitest';

type Doc = Record<string, unknown> & { id: string };

interface Task {
  uid: number;
  indexUid: string | null;
  type: string;
  status: 'succeeded' | 'failed';
  details: Record<string, unknown>;
  error: { message: string; code: string; type: string; link: string } | null;
}

/** What the fake does wrong on purpose, reset before each test. */
export interface MeilisearchFaults {
  /** Task types that end `failed` ("documentAdditionOrUpdate", "settingsUpdate", "indexSwap"...). */
  failingTasks: Set<string>;
  /** Documents of each addition reported as not indexed (a task that succeeded with fewer documents). */
  droppedDocuments: number;
  /** Hits a search reports as `estimatedTotalHits` (a guess) next to the exact `totalHits`. */
  estimatedTotalHits: number;
}

export interface FakeMeilisearch {
  url: string;
  key: string;
  version: string;
  faults: MeilisearchFaults;
  indexes: Map<string, Map<string, Doc>>;
  /** Every request received, in order: method, path and parsed body. */
  requests: { method: string; path: string; body: unknown }[];
  stop(): Promise<void>;
}

const apiError = (code: string, message: string, type = 'invalid_request') => ({ message, code, type, link: `https://docs.meilisearch.com/errors#${code}` });

/**
 * A real HTTP server on loopback that speaks the part of the Meilisearch v1 API (1.53 by default) the engine uses, with
 * its rules where they matter: a master key (401 without it, 403 with a wrong one), tasks that can end
 * `failed`, 404 `index_not_found`, 400 `feature_not_enabled` for CONTAINS / STARTS WITH filters (the
 * experimental `containsFilter`, off), 400 for a `rename` field in a swap on servers before 1.18. Its search answers
 * are canned (no ranking): the contract suite checks answers against a real server.
 */
export function useFakeMeilisearch(version = '1.53.1'): FakeMeilisearch {
  let server: Server;
  const tasks: Task[] = [];
  const fake: FakeMeilisearch = {
    url: '',
    key: 'chiave-di-prova-meilisearch',
    version,
    faults: { failingTasks: new Set(), droppedDocuments: 0, estimatedTotalHits: 0 },
    indexes: new Map(),
    requests: [],
    stop: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
  };

  function enqueue(type: string, indexUid: string | null, details: Record<string, unknown>, apply: () => Task['error']) {
    const failed = fake.faults.failingTasks.has(type);
    const error = failed ? apiError('internal', `the fake was told to fail ${type}`, 'internal') : apply();
    tasks.push({ uid: tasks.length, indexUid, type, status: error ? 'failed' : 'succeeded', details, error });
    return { taskUid: tasks.length - 1, indexUid, status: 'enqueued', type, enqueuedAt: new Date().toISOString() };
  }

  function searchAnswer(uid: string, query: Record<string, unknown>) {
    const filter = JSON.stringify(query.filter ?? '');
    if (/STARTS WITH|CONTAINS/.test(filter))
      return [
        400,
        apiError('feature_not_enabled', 'Using `CONTAINS` or `STARTS WITH` in a filter requires enabling the `contains filter` experimental feature.'),
      ];
    const docs = fake.indexes.get(uid);
    if (!docs) return [404, apiError('index_not_found', `Index \`${uid}\` not found.`)];
    const all = [...docs.values()];
    if (query.page !== undefined)
      return [
        200,
        { hits: [], query: query.q ?? '', page: query.page, hitsPerPage: query.hitsPerPage ?? 20, totalHits: all.length, totalPages: 1, facetDistribution: {} },
      ];
    const offset = Number(query.offset ?? 0);
    const limit = Number(query.limit ?? 20);
    return [200, { hits: all.slice(offset, offset + limit), query: query.q ?? '', offset, limit, estimatedTotalHits: fake.faults.estimatedTotalHits }];
  }

  function route(method: string, path: string, body: unknown): [number, unknown] {
    const parts = path.split('/').filter(Boolean);
    const uid = parts[1] ?? '';
    const docs = fake.indexes.get(uid);
    const missing: [number, unknown] = [404, apiError('index_not_found', `Index \`${uid}\` not found.`)];
    if (method === 'GET' && path === '/version') return [200, { pkgVersion: fake.version, commitSha: 'fake', commitDate: '2025-01-01' }];
    if (method === 'GET' && parts[0] === 'tasks')
      return tasks[Number(parts[1])] ? [200, tasks[Number(parts[1])]] : [404, apiError('task_not_found', 'no task')];
    if (method === 'POST' && path === '/indexes') {
      const { uid: created } = body as { uid: string };
      return [
        202,
        enqueue('indexCreation', created, {}, () =>
          fake.indexes.has(created) ? apiError('index_already_exists', `Index \`${created}\` already exists.`) : (fake.indexes.set(created, new Map()), null),
        ),
      ];
    }
    if (method === 'POST' && path === '/swap-indexes') {
      const swaps = body as { indexes: [string, string]; rename?: boolean }[];
      if (!versionAtLeast(fake.version, '1.18') && swaps.some((s) => 'rename' in s))
        return [400, apiError('bad_request', 'Unknown field `rename`: expected one of `indexes`')];
      return [
        202,
        enqueue('indexSwap', null, { swaps }, () => {
          for (const {
            indexes: [a, b],
          } of swaps) {
            const [left, right] = [fake.indexes.get(a), fake.indexes.get(b)];
            if (!left || !right) return apiError('index_not_found', `Index \`${left ? b : a}\` not found.`);
            fake.indexes.set(a, right).set(b, left);
          }
          return null;
        }),
      ];
    }
    if (method === 'POST' && path === '/multi-search') {
      const results = [];
      for (const query of (body as { queries: Record<string, unknown>[] }).queries) {
        const [status, answer] = searchAnswer(String(query.indexUid), query);
        if (status !== 200) return [status as number, answer];
        results.push({ indexUid: query.indexUid, ...(answer as object) });
      }
      return [200, { results }];
    }
    if (parts[0] !== 'indexes') return [404, apiError('not_found', 'not found')];
    if (method === 'GET' && parts.length === 2) return docs ? [200, { uid, primaryKey: 'id', createdAt: '', updatedAt: '' }] : missing;
    if (method === 'DELETE' && parts.length === 2)
      return [202, enqueue('indexDeletion', uid, {}, () => (fake.indexes.delete(uid) ? null : apiError('index_not_found', `Index \`${uid}\` not found.`)))];
    if (method === 'GET' && parts[2] === 'stats') return docs ? [200, { numberOfDocuments: docs.size, isIndexing: false, fieldDistribution: {} }] : missing;
    if (method === 'PATCH' && parts[2] === 'settings')
      return [202, enqueue('settingsUpdate', uid, body as Record<string, unknown>, () => (docs ? null : (missing[1] as Task['error'])))];
    if (method === 'POST' && parts[2] === 'search') {
      const [status, answer] = searchAnswer(uid, body as Record<string, unknown>);
      return [status as number, answer];
    }
    if (method === 'POST' && parts[2] === 'documents' && parts[3] === 'fetch') {
      if (!docs) return missing;
      const bound = /statusChangesAt <= (\d+)/.exec(String((body as { filter?: string }).filter));
      const results = [...docs.values()].filter((d) => !bound || Number(d.statusChangesAt) <= Number(bound[1])).map((d) => ({ id: d.id }));
      return [200, { results, offset: 0, limit: results.length, total: results.length }];
    }
    if (method === 'POST' && parts[2] === 'documents' && parts[3] === 'delete-batch') {
      const ids = body as string[];
      return [
        202,
        enqueue('documentDeletion', uid, { providedIds: ids.length }, () =>
          docs ? (ids.forEach((id) => docs.delete(id)), null) : (missing[1] as Task['error']),
        ),
      ];
    }
    if (method === 'POST' && parts[2] === 'documents') {
      const batch = body as Doc[];
      const indexed = Math.max(0, batch.length - fake.faults.droppedDocuments);
      return [
        202,
        enqueue('documentAdditionOrUpdate', uid, { receivedDocuments: batch.length, indexedDocuments: indexed }, () => {
          const target = docs ?? new Map<string, Doc>();
          fake.indexes.set(uid, target);
          for (const doc of batch.slice(0, indexed)) target.set(doc.id, doc);
          return null;
        }),
      ];
    }
    return [404, apiError('not_found', `no route ${method} ${path}`)];
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = (request.url ?? '/').split('?')[0]!;
    const body: unknown = text ? JSON.parse(text) : null;
    fake.requests.push({ method: request.method ?? 'GET', path, body });
    const send = (status: number, payload: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    if (path === '/health') return send(200, { status: 'available' });
    const auth = request.headers.authorization;
    if (!auth) return send(401, apiError('missing_authorization_header', 'The Authorization header is missing.', 'auth'));
    if (auth !== `Bearer ${fake.key}`) return send(403, apiError('invalid_api_key', 'The provided API key is invalid.', 'auth'));
    const [status, payload] = route(request.method ?? 'GET', path, body);
    send(status, payload);
  }

  beforeAll(async () => {
    server = createServer((request, response) => void handle(request, response));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    fake.faults = { failingTasks: new Set(), droppedDocuments: 0, estimatedTotalHits: 0 };
    fake.version = version;
    fake.indexes.clear();
    fake.requests.length = 0;
  });
  afterAll(() => (server.listening ? fake.stop() : undefined));
  return fake;
}
