import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApiToken } from '../../server/src/modules/auth/users.service.ts';
import type { Connector } from '../../server/src/modules/ingest/ingest.connector.ts';
import { CONNECTORS } from '../../server/src/modules/ingest/connectors/index.ts';
import { dueSources } from '../../server/src/modules/ingest/ingest.queries.ts';
import { reprocessItems, runIngest } from '../../server/src/modules/ingest/ingest.service.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput } from '../helpers/calls.ts';
import { useFixtureServer } from '../helpers/fixture-server.ts';
import { createTestUser, loginAs } from '../helpers/identity.ts';

// The fixture server is on loopback: these sources are allowed to reach it.
const ctx = useTestApp({ env: { OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true' } });
const fixtures = useFixtureServer();
const clock = () => ({ now: new Date('2026-11-23T10:00:00Z'), soonDays: 14 });
const titles = async (kind: string) =>
  (
    await ctx.db
      .selectFrom('calls')
      .innerJoin('call_sources', 'call_sources.call_id', 'calls.id')
      .select('title')
      .where('source_kind', '=', kind)
      .orderBy('title')
      .execute()
  ).map((c) => c.title);

// Rows in the shape of the Socrata dataset bukx-h2uy ("Anagrafica dei bandi regionali").
const LOMBARDIA = [
  {
    codice_bando: 'RLO12024033322',
    titolo_bando: 'Bando Smart Comuni 2024 - digitalizzazione dei servizi',
    direzione_generale: 'DG Enti locali, Montagna, Risorse energetiche, Uso della risorsa idrica',
    ente: 'Regione Lombardia',
    apertura_adesione: '2024-03-01T10:00:00.000',
    chiusura_adesione: '2024-05-15T12:00:00.000',
    tipo_strumento: 'Contributo a fondo perduto',
  },
  {
    codice_bando: 'RLO12025040011',
    titolo_bando: 'Cybersicurezza nei piccoli comuni lombardi',
    direzione_generale: 'DG Sviluppo economico',
    ente: 'Regione Lombardia',
    apertura_adesione: '2026-12-01T10:00:00.000',
    chiusura_adesione: '2027-02-28T16:00:00.000',
    tipo_strumento: 'Bando a sportello',
  },
  { codice_bando: 'RLO-ROTTO', titolo_bando: 'Bando con data sbagliata', apertura_adesione: 'presto', chiusura_adesione: '' },
];

describe('Regione Lombardia connector, through a registered source', () => {
  it('creates drafts from an untrusted source, logs the run with each failure, and is due again after its interval', async () => {
    fixtures.serve('/resource/bukx-h2uy.json', JSON.stringify(LOMBARDIA));
    await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
    const editor = await loginAs(ctx.app, 'redazione@anci.example.it');
    const source = await editor
      .post('/api/v1/ingest/sources')
      .set('x-csrf-token', editor.csrf)
      .send({
        name: 'Bandi Regione Lombardia',
        kind: 'lombardia',
        location: `${fixtures.url}/resource/bukx-h2uy.json`,
        everyMinutes: 60,
        trusted: false,
        enabled: true,
      });
    expect(source.status).toBe(201);
    expect(await dueSources(ctx.db, new Date())).toEqual([source.body.id]);
    const run = await editor.post(`/api/v1/ingest/sources/${source.body.id}/run`).set('x-csrf-token', editor.csrf);
    expect(run.body).toMatchObject({
      status: 'succeeded',
      seen: 3,
      created: 2,
      failed: 1,
      failures: [{ externalId: 'RLO-ROTTO', reason: 'data di apertura non valida: "presto"' }],
    });
    expect(await dueSources(ctx.db, new Date())).toEqual([]);
    expect(await dueSources(ctx.db, new Date(Date.now() + 61 * 60_000))).toEqual([source.body.id]);
    const cyber = await ctx.db
      .selectFrom('calls')
      .select(['id', 'editorial_status', 'procedure', 'programme_kind'])
      .where('title', '=', 'Cybersicurezza nei piccoli comuni lombardi')
      .executeTakeFirstOrThrow();
    expect(cyber).toMatchObject({ editorial_status: 'draft', procedure: 'sportello', programme_kind: 'regionale' });
    const windows = await ctx.db.selectFrom('call_windows').select(['opens_at', 'closes_at']).where('call_id', '=', cyber.id).executeTakeFirstOrThrow();
    expect(windows.closes_at?.toISOString()).toBe('2027-02-28T15:00:00.000Z');
    const themes = await ctx.db.selectFrom('call_themes').select('theme_code').where('call_id', '=', cyber.id).execute();
    expect(themes.map((t) => t.theme_code)).toEqual(['sicurezza']);
    const runs = await editor.get(`/api/v1/ingest/runs?source=${source.body.id}`);
    expect(runs.body.total).toBe(1);
    const sources = await editor.get('/api/v1/ingest/sources');
    expect(sources.body.items[0].lastRun).toMatchObject({ created: 2 });
  });
});

describe('Plone "Bando" connector', () => {
  it('follows the pages of @search and skips items that are not published', async () => {
    const item = (uid: string, title: string, state = 'published') => ({
      '@id': `${fixtures.url}/amministrazione/bandi/${uid}`,
      UID: uid,
      title,
      description: 'Contributi alle associazioni',
      review_state: state,
      ente_bando: ['Comune di Crema'],
      destinatari: [{ title: 'Comuni', token: 'comuni' }],
      apertura_bando: '2026-10-01T09:00:00',
      scadenza_bando: '2026-12-20T12:00:00',
      tipologia_bando: { title: 'Contributi' },
    });
    fixtures.serve(
      '/@search?portal_type=Bando&fullobjects=1',
      JSON.stringify({
        items: [item('a1', 'Contributi per la digitalizzazione delle biblioteche')],
        batching: { next: `${fixtures.url}/@search?portal_type=Bando&fullobjects=1&b_start=1` },
      }),
    );
    fixtures.serve(
      '/@search?portal_type=Bando&fullobjects=1&b_start=1',
      JSON.stringify({ items: [item('b2', 'Bando Wi-Fi nelle piazze'), item('c3', 'Bozza interna', 'private')] }),
    );
    const report = await runIngest(ctx.db, clock(), {
      connector: CONNECTORS.plone!,
      location: `${fixtures.url}/@search?portal_type=Bando&fullobjects=1`,
      limits: ctx.app.config,
      trusted: true,
    });
    expect(report).toMatchObject({
      seen: 3,
      created: 2,
      failed: 1,
      failures: [{ externalId: 'c3', reason: 'bando non pubblicato sul sito (stato "private")' }],
    });
    expect(await titles('plone')).toEqual(['Bando Wi-Fi nelle piazze', 'Contributi per la digitalizzazione delle biblioteche']);
  });
});

describe('RSS and Atom connector', () => {
  const feed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Bandi</title>
<item><title>Avviso: contributi per la transizione digitale dei comuni</title><link>https://www.example.it/bandi/1</link><guid>bando-1</guid>
<pubDate>Mon, 02 Nov 2026 09:00:00 +0100</pubDate><description><![CDATA[<p>Le domande vanno presentate <b>entro il 31 marzo 2027 ore 12:00</b>.</p>]]></description></item>
<item><title>Formazione per RTD</title><link>https://www.example.it/bandi/2</link><guid>bando-2</guid><pubDate>Tue, 03 Nov 2026 09:00:00 +0100</pubDate><description>Scadenza: 15/01/2027</description></item>
<item><title>Senza data</title><guid>bando-3</guid><pubDate>ieri</pubDate></item>
</channel></rss>`;

  it('reads the deadline from the Italian text of each entry', async () => {
    fixtures.serve('/feed.xml', feed, 'application/rss+xml');
    const report = await runIngest(ctx.db, clock(), {
      connector: CONNECTORS.rss!,
      location: `${fixtures.url}/feed.xml`,
      limits: ctx.app.config,
      trusted: false,
    });
    expect(report).toMatchObject({ seen: 3, created: 2, failed: 1, failures: [{ externalId: 'bando-3', reason: 'data di pubblicazione non valida: "ieri"' }] });
    const windows = await ctx.db
      .selectFrom('call_windows')
      .innerJoin('calls', 'calls.id', 'call_windows.call_id')
      .select(['title', 'call_windows.closes_at'])
      .where('title', 'in', ['Avviso: contributi per la transizione digitale dei comuni', 'Formazione per RTD'])
      .orderBy('title')
      .execute();
    expect(windows.map((w) => w.closes_at?.toISOString())).toEqual(['2027-03-31T10:00:00.000Z', '2027-01-15T22:59:59.000Z']);
  });

  it('records a malformed feed as a failed run and keeps the calls it had', async () => {
    fixtures.serve('/broken.xml', '<html><body>Manutenzione</body></html>', 'text/html');
    const report = await runIngest(ctx.db, clock(), {
      connector: CONNECTORS.rss!,
      location: `${fixtures.url}/broken.xml`,
      limits: ctx.app.config,
      trusted: false,
    });
    expect(report).toMatchObject({ status: 'failed', error: 'il documento non è un feed RSS o Atom' });
    fixtures.serve('/gone.xml', 'no', 'text/plain', 503);
    const gone = await runIngest(ctx.db, clock(), { connector: CONNECTORS.rss!, location: `${fixtures.url}/gone.xml`, limits: ctx.app.config, trusted: false });
    expect(gone.error).toBe('fonte illeggibile: la fonte ha risposto 503 Service Unavailable');
    expect((await titles('rss')).length).toBe(2);
  });
});

describe('CSV template connector', () => {
  const header =
    'id_esterno;titolo;sintesi;ente;programma;codice_programma;temi;tipi_ente;popolazione_min;popolazione_max;regioni;province;aggregazione;procedura;apertura;chiusura;dotazione;importo;link';
  const file = (rows: string[]) => new TextEncoder().encode([header, ...rows].join('\n') + '\n');
  const good = [
    'FC-2026-01;Fondazione: comuni digitali;Bando per piccoli comuni;Fondazione Cariplo;fondazione;;servizi, governance.formazione;comune,unione;;5000;03;;richiesta;graduatoria;01/12/2026;28/02/2027 17:00;2.000.000;10000-50000;https://www.fondazionecariplo.it/',
    'FC-2026-02;Biblioteche in rete;;Fondazione Cariplo;fondazione;;;comune;;;03;CR,LO;ammessa;sportello;2026-12-01;;500000;20000;',
  ];

  it('imports each row as a call, reports bad rows, and writes nothing when the same file comes again', async () => {
    const bad = [
      'FC-2026-03;Programma strano;;Ente;lotteria;;;comune;;;;;;sportello;01/12/2026;;;;',
      'FC-2026-04;Tema ignoto;;Ente;regionale;;blockchain;comune;;;;;;sportello;01/12/2026;;;;',
    ];
    const first = await runIngest(ctx.db, clock(), {
      connector: CONNECTORS.csv!,
      location: 'modello.csv',
      items: CONNECTORS.csv!.split(file([...good, ...bad]), 'modello.csv'),
      trusted: true,
    });
    expect(first).toMatchObject({ seen: 4, created: 2, failed: 2 });
    expect(first.failures).toEqual([
      { externalId: 'FC-2026-03', reason: 'programma sconosciuto: "lotteria" (ammessi: pnrr, fesr, fse_plus, regionale, nazionale, ue, fondazione, altro)' },
      { externalId: 'FC-2026-04', reason: 'themes.0: Il tema «blockchain» non esiste.' },
    ]);
    const call = await ctx.db
      .selectFrom('calls')
      .select(['eligibility', 'amount', 'total_budget'])
      .where('title', '=', 'Fondazione: comuni digitali')
      .executeTakeFirstOrThrow();
    expect(call).toMatchObject({
      total_budget: 2000000,
      amount: { kind: 'range', min: 10000, max: 50000 },
      eligibility: { bodyTypes: ['comune', 'unione'], population: { max: 5000 }, territory: { regions: ['03'] }, aggregation: 'required' },
    });
    const again = await runIngest(ctx.db, clock(), {
      connector: CONNECTORS.csv!,
      location: 'modello.csv',
      items: CONNECTORS.csv!.split(file(good), 'modello.csv'),
      trusted: true,
    });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
  });

  it('re-reads the stored payloads with a fixed parser', async () => {
    const fixed: Connector = {
      ...CONNECTORS.csv!,
      map: (raw) => {
        const mapped = CONNECTORS.csv!.map(raw);
        return { ...mapped, input: { ...mapped.input, title: mapped.input.title.toUpperCase() } };
      },
    };
    const report = await reprocessItems(ctx.db, clock(), fixed, true);
    expect(report).toMatchObject({ updated: 2 });
    expect(await titles('csv')).toEqual(['BIBLIOTECHE IN RETE', 'FONDAZIONE: COMUNI DIGITALI']);
  });
});

describe('POST /api/v1/ingest/calls', () => {
  it('takes calls from a partner token, idempotent by source and external id, one bad item not blocking the rest', async () => {
    const { secret } = await ctx.db.transaction().execute((trx) => createApiToken(trx, null, { name: 'Fondazione', role: 'editor', comuni: [] }));
    const body = {
      source: 'fondazione-cariplo',
      items: [
        { externalId: 'X1', call: callInput({ title: 'Bando partner uno' }) },
        { externalId: 'X2', call: callInput({ title: 'Bando partner due', themes: ['blockchain'] }) },
      ],
    };
    const first = await request(ctx.app.server).post('/api/v1/ingest/calls').set('authorization', `Bearer ${secret}`).send(body);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ kind: 'api:fondazione-cariplo', created: 1, failed: 1 });
    const again = await request(ctx.app.server).post('/api/v1/ingest/calls').set('authorization', `Bearer ${secret}`).send(body);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 1, failed: 1 });
    const stored = await ctx.db.selectFrom('calls').select('editorial_status').where('title', '=', 'Bando partner uno').execute();
    expect(stored).toEqual([{ editorial_status: 'draft' }]);
    expect((await request(ctx.app.server).post('/api/v1/ingest/calls').send(body)).status).toBe(401);
  });
});
