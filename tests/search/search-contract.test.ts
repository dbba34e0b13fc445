import { beforeAll, describe, expect, it } from 'vitest';
import { createCall } from '../../server/src/modules/calls/calls.service.ts';
import { DEMO_SOURCE_KIND } from '../../server/src/modules/calls/calls.demo.ts';
import { reindexAll } from '../../server/src/modules/search/search.outbox.ts';
import type { SearchEngine, SearchQuery } from '../../server/src/plugins/search/engine.ts';
import { createMeilisearchEngine } from '../../server/src/plugins/search/meilisearch-engine.ts';
import { createPostgresEngine } from '../../server/src/plugins/search/postgres-engine.ts';
import type { Db } from '../../server/src/plugins/db/database.ts';
import { seedAvvisiPnrr } from '../../seeds/avvisi-pnrr.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { useTestDatabase } from '../helpers/database.ts';

const engines: { name: string; create: (db: Db) => SearchEngine }[] = [{ name: 'postgres', create: createPostgresEngine }];
if (process.env.MEILISEARCH_URL)
  engines.push({
    name: 'meilisearch',
    create: () => createMeilisearchEngine({ url: process.env.MEILISEARCH_URL!, apiKey: process.env.MEILISEARCH_API_KEY ?? null, soonDays: 14 }),
  });
else console.log('skipped the Meilisearch contract tests: MEILISEARCH_URL is not set (no Meilisearch server on this machine)');

const ctx = useTestDatabase();
const clock = { now: new Date(), soonDays: 14 };

/** The curated PNRR avvisi plus regional and foundation calls open now, with Italian text. */
beforeAll(async () => {
  await seedAvvisiPnrr(ctx.db);
  const extra = [
    callInput({
      title: 'Finanziamenti regionali per la cybersicurezza dei piccoli comuni',
      summary: 'Contributi a fondo perduto per la sicurezza informatica',
      programme: { kind: 'regionale', code: null },
      themes: ['sicurezza'],
      money: { totalBudget: 3_000_000, amount: { kind: 'range', min: 5000, max: 40000 } },
      eligibility: { bodyTypes: ['comune', 'unione'], territory: { regions: ['03'] }, aggregation: 'allowed', exclusions: [], conditions: [] },
      windows: [{ opensAt: daysFromNow(-5), closesAt: daysFromNow(5) }],
    }),
    callInput({
      title: 'Bando Comunità digitali: identità digitale e servizi online',
      summary: 'Per i comuni sotto i 5.000 abitanti',
      programme: { kind: 'fondazione', code: null },
      themes: ['piattaforme.spid-cie', 'servizi'],
      money: { totalBudget: 2_000_000, amount: { kind: 'fixed', amount: 25000 } },
      windows: [{ opensAt: daysFromNow(-20), closesAt: daysFromNow(45) }],
    }),
    // Matches "cybersicurezza" better than the open call above (title, summary and description), but is closed.
    callInput({
      title: 'Cybersicurezza dei comuni: avviso cybersicurezza 2024',
      summary: 'Cybersicurezza per i comuni',
      description: 'Avviso chiuso sulla cybersicurezza.',
      programme: { kind: 'regionale', code: null },
      themes: ['sicurezza'],
      windows: [{ opensAt: daysFromNow(-90), closesAt: daysFromNow(-30) }],
    }),
    callInput({
      title: 'Contributo per la migrazione in cloud dei comuni montani',
      summary: 'Servizi in nuvola per gli enti di montagna',
      programme: { kind: 'regionale', code: null },
      themes: ['infrastrutture.cloud'],
      money: { totalBudget: 1_000_000, amount: { kind: 'fixed', amount: 60000 } },
      windows: [{ opensAt: daysFromNow(10), closesAt: daysFromNow(70) }],
    }),
  ];
  await ctx.db.transaction().execute(async (trx) => {
    for (const input of extra) await createCall(trx, { request: null, userId: null }, input, clock, { status: 'published' });
    await createCall(trx, { request: null, userId: null }, callInput({ title: 'Bozza riservata sui finanziamenti' }), clock, { status: 'draft' });
    // A demo call, kept in draft so the public counts below stay those of the real catalogue.
    await createCall(trx, { request: null, userId: null }, callInput({ title: 'Esempio di bando per le biblioteche digitali' }), clock, {
      status: 'draft',
      sources: [{ kind: DEMO_SOURCE_KIND, externalId: 'biblioteche', url: null }],
    });
  });
});

describe.each(engines)('the $name search engine', ({ create }) => {
  let engine: SearchEngine;
  beforeAll(async () => {
    engine = create(ctx.db);
    await engine.prepare();
    await reindexAll(ctx.db, engine);
  });
  const search = (over: Partial<SearchQuery>) =>
    engine.search({ editorialStatus: ['published'], facets: [], sort: 'relevance', limit: 50, offset: 0, now: new Date(), soonDays: 14, ...over });
  const titles = async (over: Partial<SearchQuery>) => (await search(over)).items.map((i) => i.title);

  it('is healthy', async () => {
    expect((await engine.health()).healthy).toBe(true);
  });

  it('finds inflected forms of a word (Italian stemming)', async () => {
    expect(await titles({ q: 'finanziamento' })).toContain('Finanziamenti regionali per la cybersicurezza dei piccoli comuni');
  });

  it('ignores accents', async () => {
    expect(await titles({ q: 'identita digitale' })).toContain('Bando Comunità digitali: identità digitale e servizi online');
    expect(await titles({ q: 'comunita' })).toContain('Bando Comunità digitali: identità digitale e servizi online');
  });

  it('forgives a typo', async () => {
    const found = await titles({ q: 'pagpoa' });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((t) => t.toLowerCase().includes('pagopa'))).toBe(true);
  });

  it('knows synonyms', async () => {
    expect((await titles({ q: 'pago pa' })).some((t) => t.includes('pagoPA'))).toBe(true);
    expect(await titles({ q: 'nuvola' })).toEqual(expect.arrayContaining(['Contributo per la migrazione in cloud dei comuni montani']));
  });

  it('highlights the words found', async () => {
    const [first] = (await search({ q: 'cybersicurezza' })).items;
    expect(first?.highlights.title).toContain('<mark>');
  });

  it('never shows drafts to the public', async () => {
    expect(await titles({ q: 'bozza riservata' })).toEqual([]);
    expect(await titles({ q: 'bozza riservata', editorialStatus: ['draft'] })).toEqual(['Bozza riservata sui finanziamenti']);
  });

  it('flags the demo calls, and only them, as "dimostrativo"', async () => {
    const [demo] = (await search({ q: 'biblioteche digitali', editorialStatus: ['draft'] })).items;
    expect(demo).toMatchObject({ title: 'Esempio di bando per le biblioteche digitali', demo: true });
    const real = (await search({})).items;
    expect(real.length).toBeGreaterThan(0);
    for (const item of real) expect(item.demo).toBe(false);
  });

  it('counts facets that add up to the total', async () => {
    const result = await search({ facets: ['programme', 'status', 'themes', 'amount', 'deadline'] });
    const sum = (facet: Record<string, number> | undefined) => Object.values(facet ?? {}).reduce((a, b) => a + b, 0);
    expect(sum(result.facets.programme)).toBe(result.total);
    expect(sum(result.facets.status)).toBe(result.total);
    expect(result.facets.programme).toMatchObject({ pnrr: 24, regionale: 3, fondazione: 1 });
    expect(result.facets.status).toMatchObject({ in_scadenza: 1, aperto: 1, in_arrivo: 1, chiuso: 25 });
    expect(result.facets.deadline).toMatchObject({ 'entro-7-giorni': 1, 'entro-90-giorni': 2 });
  });

  it('combines filters', async () => {
    const result = await search({ theme: 'piattaforme', status: ['chiuso'], measure: '1.4.3', facets: ['themes'] });
    expect(result.total).toBe(9);
    for (const item of result.items) expect(item).toMatchObject({ status: 'chiuso', measureCode: '1.4.3' });
    expect(await titles({ region: '03', bodyType: 'unione' })).toEqual(['Finanziamenti regionali per la cybersicurezza dei piccoli comuni']);
  });

  it('ranks calls still open before closed ones by relevance, even a closed one that matches better', async () => {
    const found = await titles({ q: 'cybersicurezza' });
    const open = found.indexOf('Finanziamenti regionali per la cybersicurezza dei piccoli comuni');
    const closed = found.indexOf('Cybersicurezza dei comuni: avviso cybersicurezza 2024');
    expect(open).toBeGreaterThanOrEqual(0);
    expect(closed).toBeGreaterThan(open);
    // Among closed calls alone the better match leads, so the order above is the status, not the text.
    expect((await titles({ q: 'cybersicurezza', status: ['chiuso'] }))[0]).toBe('Cybersicurezza dei comuni: avviso cybersicurezza 2024');
    // Paging across the two groups keeps one list.
    const all = await search({ q: 'cybersicurezza' });
    const pages = [...(await search({ q: 'cybersicurezza', limit: 1 })).items, ...(await search({ q: 'cybersicurezza', limit: 10, offset: 1 })).items];
    expect(pages.map((i) => i.id)).toEqual(all.items.map((i) => i.id));
    expect(all.items.findIndex((i) => i.status === 'chiuso')).toBeGreaterThan(all.items.findLastIndex((i) => i.status !== 'chiuso' && i.status !== 'esaurito'));
  });

  it('sorts by amount and by deadline, and pages', async () => {
    const byAmount = await search({ sort: '-amount', limit: 3 });
    const amounts = byAmount.items.map((i) => i.amountMax ?? 0);
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    const open = await search({ status: ['aperto', 'in_scadenza', 'in_arrivo'], sort: 'deadline' });
    expect(open.items.map((i) => i.title)).toEqual([
      'Finanziamenti regionali per la cybersicurezza dei piccoli comuni',
      'Bando Comunità digitali: identità digitale e servizi online',
      'Contributo per la migrazione in cloud dei comuni montani',
    ]);
    const second = await search({ sort: 'deadline', limit: 2, offset: 2 });
    expect(second.items).toHaveLength(2);
  });
});
