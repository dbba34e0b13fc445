import { describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../server/src/modules/ingest/connectors/index.ts';
import { runIngest } from '../../server/src/modules/ingest/ingest.service.ts';
import { useTestApp } from '../helpers/app.ts';

const ctx = useTestApp();
const clock = () => ({ now: new Date('2026-11-23T10:00:00Z'), soonDays: 14 });
const HEADER =
  'id_esterno;titolo;sintesi;ente;programma;codice_programma;temi;tipi_ente;popolazione_min;popolazione_max;regioni;province;aggregazione;procedura;apertura;chiusura;dotazione;importo;link';
const row = (id: string, over: { title?: string; max?: string; budget?: string } = {}) =>
  `${id};${over.title ?? 'Biblioteche in rete'};;Fondazione Cariplo;fondazione;;;comune;;${over.max ?? ''};03;;ammessa;sportello;2026-12-01;;${over.budget ?? '500000'};20000;`;
const file = (rows: string[]) => new TextEncoder().encode([HEADER, ...rows].join('\n') + '\n');

describe('CSV template connector, values out of range', () => {
  it('fails each row that would not fit with its reason, and imports the others', async () => {
    const rows = [
      row('FC-OK-1'),
      row('X'.repeat(1024 * 1024)),
      row('FC-TITLE', { title: 'T'.repeat(1024 * 1024) }),
      row('FC-BUDGET', { budget: '9'.repeat(400) }),
      row('FC-BUDGET-2', { budget: '2.000.000.000.000' }),
      row('FC-POP', { max: '99999999999' }),
      row('FC-NUL\u0000', { title: 'Cultura\u0000 digitale\u001b' }),
    ];
    const csv = CONNECTORS.csv!;
    const report = await runIngest(ctx.db, clock(), { connector: csv, location: 'modello.csv', items: csv.split(file(rows), 'modello.csv'), trusted: true });
    expect(report).toMatchObject({ status: 'succeeded', seen: 7, created: 2, failed: 5 });
    expect(report.failures).toEqual([
      { externalId: 'riga-3', reason: 'id_esterno supera i 200 caratteri' },
      { externalId: 'FC-TITLE', reason: 'title: Può contenere al massimo 500 caratteri.' },
      // 400 nines read as a number are Infinity, which is no JSON number.
      { externalId: 'FC-BUDGET', reason: 'money.totalBudget: Deve essere di tipo numero.' },
      { externalId: 'FC-BUDGET-2', reason: 'money.totalBudget: Deve essere minore o uguale a 1.000.000.000.000.' },
      { externalId: 'FC-POP', reason: 'eligibility.population.max: Deve essere minore o uguale a 2.147.483.647.' },
    ]);
    const titles = await ctx.db
      .selectFrom('calls')
      .innerJoin('call_sources', 'call_sources.call_id', 'calls.id')
      .select(['external_id', 'title'])
      .where('source_kind', '=', 'csv')
      .orderBy('external_id')
      .execute();
    expect(titles).toEqual([
      { external_id: 'FC-NUL', title: 'Cultura digitale' },
      { external_id: 'FC-OK-1', title: 'Biblioteche in rete' },
    ]);
  });
});
