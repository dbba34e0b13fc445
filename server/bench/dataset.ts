// The bench's data: every Italian comune, the national funding history, and a catalogue of 10,000 calls
// in the CSV template plus the real PA digitale 2026 and Italia Domani files, each step timed.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDb } from '../src/plugins/db/database.ts';
import { importComuni } from '../src/modules/comuni/comuni.import.ts';
import { importIpa } from '../src/modules/comuni/ipa.import.ts';
import { importFundingHistory } from '../src/modules/comuni/funding-history.import.ts';
import type { ImportReport } from '../src/shared/import-report.ts';
import { CONNECTORS } from '../src/modules/ingest/connectors/index.ts';
import { runIngest, type RunReport } from '../src/modules/ingest/ingest.service.ts';
import { CALL_CSV_COLUMNS } from '../src/modules/ingest/connectors/csv-template.ts';
import { reindexAll } from '../src/modules/search/search.outbox.ts';
import { createPostgresEngine } from '../src/plugins/search/postgres-engine.ts';
import { repoRoot } from '../src/paths.ts';

const situas = resolve(repoRoot, '../shared/data/istat/comuni_situas_2026-06-09.csv');
const ipa = resolve(repoRoot, '../shared/data/ipa/codici_ipa_comuni.csv');
const fundingHistory = resolve(repoRoot, '../shared/data/padigitale2026/candidature_comuni.csv');

async function timed(what: string, run: () => Promise<ImportReport>) {
  const started = performance.now();
  const report = await run();
  const changes = `${report.read} read, ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected.length} rejected`;
  console.log(`${what}: ${((performance.now() - started) / 1000).toFixed(2)} s (${changes})`);
}

/** Times the ISTAT import twice (the second must change nothing), then IPA codes and funding history. */
export async function importScenario(databaseUrl: string): Promise<{ comuni: boolean; funding: boolean }> {
  if (!existsSync(situas)) {
    console.log(`skipped the comuni import and the matching figures: ${situas} is absent`);
    return { comuni: false, funding: false };
  }
  const db = createDb(databaseUrl);
  try {
    for (const run of ['import of all Italian comuni', 're-import of the same file']) await timed(run, () => importComuni(db, readFileSync(situas)));
    if (!existsSync(ipa) || !existsSync(fundingHistory)) {
      console.log('skipped the funding-history import and the matching figures: ../shared/data/padigitale2026 is absent');
      return { comuni: true, funding: false };
    }
    await timed('import of IPA codes', () => importIpa(db, readFileSync(ipa)));
    for (const run of ['import of the funding history (54k rows)', 're-import of the same file'])
      await timed(run, () => importFundingHistory(db, readFileSync(fundingHistory)));
    return { comuni: true, funding: true };
  } finally {
    await db.destroy();
  }
}

/** 10,000 calls in the CSV template, as an editor or a partner would prepare them. */
function callsCsv(count: number): string {
  const themes = ['piattaforme.pagopa', 'infrastrutture.cloud', 'sicurezza', 'servizi', 'governance.formazione'];
  const topics = [
    'digitalizzazione degli archivi',
    'cybersicurezza',
    'biblioteche in rete',
    'mobilità sostenibile',
    'turismo digitale',
    'scuole connesse',
    'sportello telematico',
    'pagamenti pagoPA',
    'migrazione in cloud',
    'open data',
    'formazione del personale',
    'videosorveglianza',
    'illuminazione intelligente',
    'catasto digitale',
    'servizi sociali online',
    'protezione civile',
    'cultura e musei',
    'sport e impianti',
    'agricoltura di montagna',
    'commercio di vicinato',
  ];
  const rows = Array.from({ length: count }, (_, i) =>
    [
      `BENCH-${i}`,
      `Bando ${Math.floor(i / topics.length) + 1}: ${topics[i % topics.length]}`,
      'Contributi ai comuni',
      'Fondazione di prova',
      'fondazione',
      '',
      themes[i % themes.length],
      'comune,unione',
      '',
      String(5000 + (i % 10) * 1000),
      '03',
      '',
      'ammessa',
      'graduatoria',
      '01/12/2026',
      '28/02/2027',
      '1000000',
      '10000-50000',
      '',
    ].join(';'),
  );
  return [CALL_CSV_COLUMNS.join(';'), ...rows].join('\n') + '\n';
}

export async function callsScenario(databaseUrl: string) {
  const db = createDb(databaseUrl, { max: 10 });
  const clock = { now: new Date(), soonDays: 14 };
  const timedRun = async (what: string, run: () => Promise<RunReport>) => {
    const started = performance.now();
    const r = await run();
    console.log(
      `${what}: ${((performance.now() - started) / 1000).toFixed(2)} s (${r.seen} seen, ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.failed} failed)`,
    );
  };
  try {
    const file = join(mkdtempSync(join(tmpdir(), 'cruscotto-bench-calls-')), 'bandi.csv');
    writeFileSync(file, callsCsv(10_000));
    for (const run of ['CSV import of 10,000 calls', 're-import of the same file'])
      await timedRun(run, () => runIngest(db, clock, { connector: CONNECTORS.csv!, location: file, payload: readFileSync(file), trusted: true }));
    const avvisi = resolve(repoRoot, '../shared/data/padigitale2026/avvisi.csv');
    const bandi = resolve(repoRoot, '../shared/data/italiadomani/bandi_e_avvisi_2023-04.csv');
    if (existsSync(avvisi) && existsSync(bandi)) {
      const started = performance.now();
      await timedRun('  PA digitale 2026 avvisi', () =>
        runIngest(db, clock, { connector: CONNECTORS.padigitale2026!, location: avvisi, payload: readFileSync(avvisi), trusted: true }),
      );
      await timedRun('  Italia Domani bandi e avvisi', () =>
        runIngest(db, clock, { connector: CONNECTORS.italiadomani!, location: bandi, payload: readFileSync(bandi), trusted: false }),
      );
      console.log(`ingest of the real PA digitale 2026 and Italia Domani files: ${((performance.now() - started) / 1000).toFixed(2)} s`);
    } else console.log('skipped the real calls files: ../shared/data is absent');
    const engine = createPostgresEngine(db);
    const reindex = await reindexAll(db, engine);
    console.log(`full search reindex (postgres engine): ${reindex.seconds.toFixed(2)} s for ${reindex.documents} calls`);
    console.log('Meilisearch figures: skipped, MEILISEARCH_URL is not set');
  } finally {
    await db.destroy();
  }
}
