import { beforeAll, describe, expect, it } from 'vitest';
import { CALL_STATUSES } from '../../server/src/shared/call-status.ts';
import { createCall } from '../../server/src/modules/calls/calls.service.ts';
import { DEMO_SOURCE_KIND } from '../../server/src/modules/calls/calls.demo.ts';
import { drainSearchOutbox, reindexAll } from '../../server/src/modules/search/search.outbox.ts';
import type { SearchEngine, SearchHit, SearchQuery } from '../../server/src/plugins/search/engine.ts';
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
    // Several windows: the status and the deadline are those of the window that matters now, not of the
    // first opening and the last closing.
    callInput({
      title: 'Avviso a finestre per la connettività delle scuole',
      programme: { kind: 'regionale', code: null },
      themes: ['infrastrutture.connettivita'],
      procedure: 'finestre',
      money: { totalBudget: 5_000_000, amount: { kind: 'fixed', amount: 30000 } },
      windows: [
        { opensAt: daysFromNow(-60), closesAt: daysFromNow(-40) },
        { opensAt: daysFromNow(-5), closesAt: daysFromNow(20) },
        { opensAt: daysFromNow(40), closesAt: daysFromNow(80) },
      ],
    }),
    callInput({
      title: 'Avviso a finestre per i musei civici, tra due finestre',
      programme: { kind: 'regionale', code: null },
      themes: ['servizi'],
      procedure: 'finestre',
      money: { totalBudget: 1_500_000, amount: { kind: 'fixed', amount: 10000 } },
      windows: [
        { opensAt: daysFromNow(-60), closesAt: daysFromNow(-30) },
        { opensAt: daysFromNow(12), closesAt: daysFromNow(50) },
      ],
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

describe.each(engines)('the $name search engine', ({ name, create }) => {
  let engine: SearchEngine;
  beforeAll(async () => {
    currentEngine = name;
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
    expect(sum(result.facets.amount)).toBe(result.items.filter((i) => i.amountMax !== null).length);
    expect(result.facets.programme).toEqual({ pnrr: 24, regionale: 5, fondazione: 1 });
    expect(result.facets.status).toEqual({ in_scadenza: 1, aperto: 2, in_arrivo: 2, chiuso: 25 });
    // In the same order from every engine: statuses as a call lives them, other values alphabetically.
    expect(Object.keys(result.facets.status!)).toEqual(CALL_STATUSES.filter((s) => result.facets.status![s]));
    expect(Object.keys(result.facets.programme!)).toEqual(['fondazione', 'pnrr', 'regionale']);
    expect(Object.keys(result.facets.themes!)).toEqual(Object.keys(result.facets.themes!).sort());
    // By next deadline: 5 days (closing soon), 20 (the open window of the multi-window call), 45.
    expect(result.facets.deadline).toEqual({ 'entro-7-giorni': 1, 'entro-30-giorni': 2, 'entro-60-giorni': 3, 'entro-90-giorni': 3 });
    record('facets', result.facets);
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
    record(
      'live first',
      all.items.map((i) => i.status !== 'chiuso' && i.status !== 'esaurito'),
    );
    expect(all.items.findIndex((i) => i.status === 'chiuso')).toBeGreaterThan(all.items.findLastIndex((i) => i.status !== 'chiuso' && i.status !== 'esaurito'));
  });

  it('sorts by amount and by deadline, and pages', async () => {
    const byAmount = await search({ sort: '-amount', limit: 3 });
    const amounts = byAmount.items.map((i) => i.amountMax ?? 0);
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    const open = await search({ status: ['aperto', 'in_scadenza', 'in_arrivo'], sort: 'deadline' });
    expect(open.items.map((i) => [i.title, i.status, Math.round((Date.parse(i.nextDeadline!) - Date.now()) / 86_400_000)])).toEqual([
      ['Finanziamenti regionali per la cybersicurezza dei piccoli comuni', 'in_scadenza', 5],
      ['Avviso a finestre per la connettività delle scuole', 'aperto', 20],
      ['Bando Comunità digitali: identità digitale e servizi online', 'aperto', 45],
      ['Avviso a finestre per i musei civici, tra due finestre', 'in_arrivo', 50],
      ['Contributo per la migrazione in cloud dei comuni montani', 'in_arrivo', 70],
    ]);
    const second = await search({ sort: 'deadline', limit: 2, offset: 2 });
    expect(second.items).toHaveLength(2);
  });

  it.each(['deadline', '-deadline', 'published', '-published', 'amount', '-amount'] as const)('sorts by %s, calls without the value last', async (sort) => {
    const { items, total } = await search({ sort, limit: 100 });
    expect(items).toHaveLength(total);
    const published = new Map(
      (await ctx.db.selectFrom('calls').select(['id', 'published_at']).execute()).map((c) => [c.id, c.published_at?.getTime() ?? null]),
    );
    const key = (i: SearchHit) =>
      sort.endsWith('deadline')
        ? i.nextDeadline === null
          ? null
          : Date.parse(i.nextDeadline)
        : sort.endsWith('published')
          ? published.get(i.id)!
          : i.amountMax;
    const values = items.map(key);
    const present = values.filter((v): v is number => v !== null);
    expect(values.slice(present.length).every((v) => v === null)).toBe(true);
    expect(present).toEqual([...present].sort((a, b) => (sort.startsWith('-') ? b - a : a - b)));
    record(`sort ${sort}`, values);
  });

  it('filters by programme, theme with its subthemes, region and status, each alone', async () => {
    const by = async (over: Partial<SearchQuery>) => (await titles(over)).sort();
    expect(await by({ programme: 'fondazione' })).toEqual(['Bando Comunità digitali: identità digitale e servizi online']);
    expect(await by({ theme: 'infrastrutture', status: ['aperto', 'in_arrivo', 'in_scadenza'] })).toEqual([
      'Avviso a finestre per la connettività delle scuole',
      'Contributo per la migrazione in cloud dei comuni montani',
    ]);
    expect(await by({ theme: 'infrastrutture.cloud', programme: 'regionale' })).toEqual(['Contributo per la migrazione in cloud dei comuni montani']);
    expect(await by({ status: ['in_arrivo'] })).toEqual([
      'Avviso a finestre per i musei civici, tra due finestre',
      'Contributo per la migrazione in cloud dei comuni montani',
    ]);
    const region = await search({ region: '03', status: ['in_scadenza'] });
    expect(region.items.map((i) => i.title)).toEqual(['Finanziamenti regionali per la cybersicurezza dei piccoli comuni']);
    record('filters', [await by({ programme: 'fondazione' }), await by({ status: ['in_arrivo'] })]);
  });

  it('keeps a call written while the index is rebuilt', async () => {
    let writtenMeanwhile = '';
    const rebuilding: SearchEngine = {
      ...engine,
      async reindex(documents) {
        // A change made and drained by another process after the rebuild read the calls, before its swap.
        writtenMeanwhile = await ctx.db
          .transaction()
          .execute((trx) =>
            createCall(trx, { request: null, userId: null }, callInput({ title: 'Bozza scritta durante la ricostruzione' }), clock, { status: 'draft' }),
          );
        await drainSearchOutbox(ctx.db, engine);
        await engine.reindex(documents);
      },
    };
    await reindexAll(ctx.db, rebuilding);
    await drainSearchOutbox(ctx.db, engine);
    const found = await search({ q: 'ricostruzione', editorialStatus: ['draft'] });
    expect(found.items.map((i) => i.id)).toEqual([writtenMeanwhile]);
  });

  it('finds a call indexed after the same words were searched', async () => {
    const drafts = { q: 'telemedicina', editorialStatus: ['draft'] };
    const draft = (title: string) =>
      ctx.db.transaction().execute((trx) => createCall(trx, { request: null, userId: null }, callInput({ title }), clock, { status: 'draft' }));
    const first = await draft('Bozza sulla telemedicina per gli anziani');
    await drainSearchOutbox(ctx.db, engine);
    expect((await search(drafts)).items.map((i) => i.id)).toEqual([first]);
    const second = await draft('Seconda bozza sulla telemedicina');
    await drainSearchOutbox(ctx.db, engine);
    expect(new Set((await search(drafts)).items.map((i) => i.id))).toEqual(new Set([first, second]));
  });
});

/** Each engine's answers by question, to compare the engines with each other. */
const answers = new Map<string, Map<string, unknown>>();
let currentEngine = '';
function record(question: string, answer: unknown) {
  if (!answers.has(currentEngine)) answers.set(currentEngine, new Map());
  answers.get(currentEngine)!.set(question, answer);
}

describe('every engine', () => {
  if (engines.length < 2) console.log(`compared no engines with each other: only ${engines.map((e) => e.name).join(', ')} is reachable here`);
  it.skipIf(engines.length < 2)('gives the same answers on the same data', () => {
    const [first, ...others] = [...answers.values()];
    for (const other of others) expect(Object.fromEntries(other)).toEqual(Object.fromEntries(first!));
  });
});
