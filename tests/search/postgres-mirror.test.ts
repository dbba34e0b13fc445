import { describe, expect, it } from 'vitest';
import type { CallDocument, SearchQuery } from '../../server/src/plugins/search/engine.ts';
import { createPostgresEngine } from '../../server/src/plugins/search/postgres-engine.ts';
import { createCall } from '../../server/src/modules/calls/calls.service.ts';
import { callInput } from '../helpers/calls.ts';
import { useTestDatabase } from '../helpers/database.ts';

const ctx = useTestDatabase();
const DAY = 86_400_000;
const clock = { now: new Date(), soonDays: 14 };

function document(id: string, title: string, overrides: Partial<CallDocument> = {}): CallDocument {
  const now = Date.now();
  return {
    id,
    title,
    summary: 'Contributi ai comuni lombardi',
    description: null,
    issuer: 'Regione Lombardia',
    programme: 'regionale',
    programmeCode: null,
    measureCode: null,
    themes: ['servizi'],
    themeLabels: ['Servizi digitali'],
    sources: [],
    bodyTypes: ['comune'],
    regions: ['03'],
    provinces: [],
    editorialStatus: 'published',
    totalBudget: 1_000_000,
    remainingBudget: null,
    amountMax: 50_000,
    publishedAt: now,
    windows: [{ opensAt: now - DAY, closesAt: now + 30 * DAY }],
    link: null,
    ...overrides,
  };
}

const search = (q: string): SearchQuery => ({
  q,
  editorialStatus: ['published'],
  facets: ['status'],
  sort: 'relevance',
  limit: 20,
  offset: 0,
  now: new Date(),
  soonDays: 14,
});
const titles = (result: { items: { title: string }[] }) => result.items.map((item) => item.title);

// A document of `search_documents` belongs to a row of `calls` (a foreign key): drafts stand in for them.
async function withCalls(count: number): Promise<string[]> {
  return ctx.db.transaction().execute(async (trx) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await createCall(trx, { request: null, userId: null }, callInput({ title: `Bando ${i}` }), clock));
    return ids;
  });
}

describe('the PostgreSQL engine, mirrored in memory by each process', () => {
  it('finds what another process indexed at its next search, and forgets what it removed', async () => {
    const writer = createPostgresEngine(ctx.db);
    const reader = createPostgresEngine(ctx.db);
    const [biblioteche, archivi] = await withCalls(2);
    await writer.index([document(biblioteche!, 'Biblioteche digitali dei comuni')]);
    expect(titles(await reader.search(search('biblioteca')))).toEqual(['Biblioteche digitali dei comuni']);

    await writer.index([document(archivi!, 'Digitalizzazione degli archivi comunali')]);
    await writer.index([document(biblioteche!, 'Biblioteche e musei digitali dei comuni')]);
    expect(titles(await reader.search(search('archivio')))).toEqual(['Digitalizzazione degli archivi comunali']);
    expect(titles(await reader.search(search('musei')))).toEqual(['Biblioteche e musei digitali dei comuni']);

    await writer.remove([archivi!]);
    expect(titles(await reader.search(search('archivio')))).toEqual([]);
  });

  it('ranks a word in the title above the same word in the summary, and marks it', async () => {
    const engine = createPostgresEngine(ctx.db);
    const [inSummary, inTitle] = await withCalls(2);
    await engine.index([
      document(inSummary!, 'Servizi online per i cittadini', { summary: 'Anche la videosorveglianza urbana' }),
      document(inTitle!, 'Videosorveglianza urbana nei piccoli comuni'),
    ]);
    const result = await engine.search(search('videosorveglianza'));
    expect(titles(result)).toEqual(['Videosorveglianza urbana nei piccoli comuni', 'Servizi online per i cittadini']);
    expect(result.items[0]!.highlights.title).toBe('<mark>Videosorveglianza</mark> urbana nei piccoli comuni');
    expect(result.items[1]!.highlights.summary).toBe('Anche la <mark>videosorveglianza</mark> urbana');
  });

  it('reads phrases and exclusions as PostgreSQL does', async () => {
    const engine = createPostgresEngine(ctx.db);
    const [openData, dataCenter] = await withCalls(2);
    await engine.index([document(openData!, 'Open data dei comuni'), document(dataCenter!, 'Data center aperti, non open')]);
    expect(titles(await engine.search(search('"open data"')))).toEqual(['Open data dei comuni']);
    expect(titles(await engine.search(search('data -center')))).toEqual(['Open data dei comuni']);
  });

  it('pages through a large result in the same order as one long page, ties by call id', async () => {
    const engine = createPostgresEngine(ctx.db);
    const ids = await withCalls(30);
    // Ten amounts, three calls each: ties the order must break the same way on every page.
    await engine.index(ids.map((id, i) => document(id, `Sportello digitale numero ${i}`, { amountMax: 10_000 * (i % 10), publishedAt: null })));
    const query = (offset: number, limit: number): SearchQuery => ({ ...search('sportello'), sort: '-amount', offset, limit });
    const whole = (await engine.search(query(0, 30))).items.map((item) => item.id);
    const paged: string[] = [];
    for (let offset = 0; offset < 30; offset += 4) paged.push(...(await engine.search(query(offset, 4))).items.map((item) => item.id));
    expect(paged).toEqual(whole);
    expect(new Set(whole).size).toBe(30);
    const amounts = (await engine.search(query(0, 30))).items.map((item) => item.amountMax!);
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
  });
});
