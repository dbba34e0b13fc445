import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CallDocument, SearchQuery } from '../../server/src/plugins/search/engine.ts';
import { createMeilisearchEngine } from '../../server/src/plugins/search/meilisearch-engine.ts';
import { MEILISEARCH_VERSION } from '../../server/src/plugins/search/meilisearch-tasks.ts';
import { useFakeMeilisearch } from '../helpers/meilisearch-server.ts';

// The failure paths of the Meilisearch engine against a loopback server speaking the Meilisearch API
// (tests/helpers/meilisearch-server.ts). What it finds and how it ranks is the contract suite's job,
// against a real Meilisearch (npm run test:search-engines with MEILISEARCH_URL set).
const meili = useFakeMeilisearch();
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-30T08:00:00Z');
const engine = (key: string | null = meili.key) => createMeilisearchEngine({ url: meili.url, apiKey: key, soonDays: 14, now: () => NOW });
const query = (over: Partial<SearchQuery> = {}): SearchQuery => ({
  editorialStatus: ['published'],
  facets: [],
  sort: 'relevance',
  limit: 20,
  offset: 0,
  now: new Date(NOW),
  soonDays: 14,
  ...over,
});

function doc(id: string, windows: CallDocument['windows'], themes = ['piattaforme.spid-cie']): CallDocument {
  return {
    id,
    title: `Avviso ${id}`,
    summary: null,
    description: null,
    issuer: 'Regione',
    programme: 'regionale',
    programmeCode: null,
    measureCode: null,
    themes,
    themeLabels: [],
    sources: [],
    bodyTypes: [],
    regions: [],
    provinces: [],
    editorialStatus: 'published',
    totalBudget: null,
    remainingBudget: null,
    amountMax: null,
    publishedAt: NOW,
    windows,
    link: null,
  };
}

describe('the Meilisearch engine at start', () => {
  it('pins in docker-compose.yml the version it checks', () => {
    expect(readFileSync('docker-compose.yml', 'utf8')).toContain(`image: getmeili/meilisearch:v${MEILISEARCH_VERSION}`);
  });

  it('creates the index and applies its settings once, and refuses an older server by name', async () => {
    await engine().prepare();
    expect(meili.indexes.has('calls')).toBe(true);
    expect(meili.requests.filter((r) => r.method === 'PATCH' && r.path === '/indexes/calls/settings')).toHaveLength(1);
    meili.version = '1.14.0';
    await expect(engine().prepare()).rejects.toThrow(`Meilisearch 1.14.0 at ${meili.url} is older than ${MEILISEARCH_VERSION}`);
  });

  it('fails when the settings task fails, and applies them again at the next start', async () => {
    meili.faults.failingTasks.add('settingsUpdate');
    await expect(engine().prepare()).rejects.toThrow(/settings of calls failed \(task \d+\): internal: the fake was told to fail settingsUpdate/);
    meili.faults.failingTasks.clear();
    await engine().prepare();
    expect(meili.requests.filter((r) => r.method === 'PATCH')).toHaveLength(2);
  });

  it('fails with the server’s word on a wrong key', async () => {
    await expect(engine('chiave-sbagliata').prepare()).rejects.toThrow('The provided API key is invalid.');
  });
});

describe('the Meilisearch engine at work', () => {
  it('raises when an indexing task fails or indexes fewer documents than sent, so the outbox keeps them', async () => {
    const e = engine();
    await e.prepare();
    meili.faults.failingTasks.add('documentAdditionOrUpdate');
    await expect(e.index([doc('a', [])])).rejects.toThrow(/indexing 1 documents failed .*the fake was told to fail/);
    meili.faults.failingTasks.clear();
    meili.faults.droppedDocuments = 1;
    await expect(e.index([doc('a', []), doc('b', [])])).rejects.toThrow(/1 of 2 documents indexed/);
    meili.faults.droppedDocuments = 0;
    await e.index([doc('a', []), doc('b', [])]);
    expect([...meili.indexes.get('calls')!.keys()].sort()).toEqual(['a', 'b']);
  });

  it('stores each call’s status, next deadline and theme ancestors, worked out at index time', async () => {
    const e = engine();
    await e.prepare();
    await e.index([
      doc('several', [
        { opensAt: NOW - 40 * DAY, closesAt: NOW - 20 * DAY },
        { opensAt: NOW - 5 * DAY, closesAt: NOW + 20 * DAY },
        { opensAt: NOW + 40 * DAY, closesAt: NOW + 70 * DAY },
      ]),
    ]);
    expect(meili.indexes.get('calls')!.get('several')).toMatchObject({
      status: 'aperto',
      nextDeadline: NOW + 20 * DAY,
      statusChangesAt: NOW + 6 * DAY,
      themePaths: ['piattaforme', 'piattaforme.spid-cie'],
    });
    expect(await e.staleIds(new Date(NOW + 5 * DAY))).toEqual([]);
    expect(await e.staleIds(new Date(NOW + 6 * DAY))).toEqual(['several']);
  });

  it('filters themes and statuses without experimental features, and reports exact totals', async () => {
    const e = engine();
    await e.prepare();
    await e.index([doc('a', []), doc('b', []), doc('c', [])]);
    meili.faults.estimatedTotalHits = 1000;
    meili.requests.length = 0;
    const result = await e.search(query({ theme: 'piattaforme', status: ['aperto', 'in_scadenza'], sort: 'deadline' }));
    expect(result.total).toBe(3);
    const searches = meili.requests.filter((r) => r.path === '/multi-search');
    const filters = JSON.stringify(searches.map((r) => r.body));
    expect(filters).toContain('themePaths = \\"piattaforme\\"');
    expect(filters).toContain('status IN [\\"aperto\\", \\"in_scadenza\\"]');
    // Nothing but searching inside a search: no index creation or settings under a user's request.
    expect(new Set(meili.requests.map((r) => `${r.method} ${r.path}`))).toEqual(new Set(['POST /multi-search']));
  });

  it('rebuilds the index aside and swaps it in, leaving no index behind', async () => {
    const e = engine();
    await e.prepare();
    await e.index([doc('old', [])]);
    await e.reindex([doc('new', [])]);
    expect([...meili.indexes.keys()]).toEqual(['calls']);
    expect([...meili.indexes.get('calls')!.keys()]).toEqual(['new']);
    meili.faults.failingTasks.add('indexSwap');
    await expect(e.reindex([doc('newer', [])])).rejects.toThrow(/swapping in the new index failed/);
    expect([...meili.indexes.keys()]).toEqual(['calls']);
    expect([...meili.indexes.get('calls')!.keys()]).toEqual(['new']);
  });

  it('is unhealthy with a wrong key, without its index, or with the server gone', async () => {
    await engine().prepare();
    expect(await engine().health()).toEqual({ healthy: true, detail: null });
    expect(await engine('chiave-sbagliata').health()).toMatchObject({ healthy: false, detail: expect.stringContaining('invalid_api_key') });
    meili.indexes.clear();
    expect(await engine().health()).toMatchObject({ healthy: false, detail: expect.stringContaining('index_not_found') });
    await expect(engine().search(query())).rejects.toThrow('not found');
    await meili.stop();
    expect((await engine().health()).healthy).toBe(false);
    await expect(engine().search(query())).rejects.toThrow();
  });
});
