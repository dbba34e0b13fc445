import { ItemError, labelledLinks, webLinks, euros, text, type Connector, type MappedCall } from '../ingest.connector.ts';
import type { CallInput } from '../../calls/index.ts';
import { PROGRAMME_KINDS, PROCEDURES } from '../../calls/index.ts';
import { parseItalianDate, romeInstant } from '../ingest.italian-dates.ts';
import { csvRecords } from './csv-records.ts';

/** The bulk template's columns; README "Bandi: il modello CSV" documents them. */
export const CALL_CSV_COLUMNS = [
  'id_esterno',
  'titolo',
  'sintesi',
  'ente',
  'programma',
  'codice_programma',
  'temi',
  'tipi_ente',
  'popolazione_min',
  'popolazione_max',
  'regioni',
  'province',
  'aggregazione',
  'procedura',
  'apertura',
  'chiusura',
  'dotazione',
  'importo',
  'link',
];
const REQUIRED = ['id_esterno', 'titolo', 'ente', 'programma', 'tipi_ente', 'procedura', 'apertura'];
const AGGREGATION: Record<string, 'allowed' | 'required' | 'not_allowed'> = {
  ammessa: 'allowed',
  richiesta: 'required',
  esclusa: 'not_allowed',
  '': 'allowed',
};
/** As for partners pushing calls through the API; a longer id would not fit the sources' key. */
const EXTERNAL_ID_MAX = 200;

const list = (value: unknown) =>
  text(value)
    .split(/[,|]/)
    .map((s) => s.trim())
    .filter(Boolean);

function instant(value: unknown, what: string, endOfDay: boolean): string | null {
  const raw = text(value);
  if (!raw) return null;
  const parsed = parseItalianDate(raw);
  if (!parsed) throw new ItemError(`${what} non valida: "${raw}" (es. 31/03/2026 o 2026-03-31)`);
  const time = /(\d{1,2})[:.](\d{2})\s*$/.exec(raw);
  return romeInstant(parsed.day, time ? `${time[1]!.padStart(2, '0')}:${time[2]}:00` : (parsed.time ?? (endOfDay ? '23:59:59' : '00:00:00')));
}

function population(value: unknown, what: string): number | undefined {
  const raw = text(value).replace(/\./g, '');
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw)) throw new ItemError(`${what} non è un numero intero: "${text(value)}"`);
  return Number(raw);
}

function amountRule(value: unknown): CallInput['money']['amount'] {
  const raw = text(value);
  if (!raw) return null;
  const [min, max] = raw.split(/\s*[-–]\s*/);
  if (max !== undefined) {
    const low = euros(min);
    const high = euros(max);
    if (low === null || high === null) throw new ItemError(`importo non valido: "${raw}" (es. 10000 oppure 5000-20000)`);
    return { kind: 'range', min: low, max: high };
  }
  const fixed = euros(raw);
  if (fixed === null) throw new ItemError(`importo non valido: "${raw}"`);
  return { kind: 'fixed', amount: fixed };
}

/** Calls prepared in a spreadsheet by editors or partners, one call and one window per row. */
export const csvTemplate: Connector = {
  kind: 'csv',
  split(payload) {
    return csvRecords(payload, REQUIRED).map((record) => {
      const id = text(record.id_esterno);
      return { externalId: id && id.length <= EXTERNAL_ID_MAX ? id : `riga-${record._line}`, raw: record };
    });
  },
  map(raw) {
    if (!text(raw.id_esterno)) throw new ItemError('id_esterno mancante: serve a riconoscere il bando alle importazioni successive');
    if (text(raw.id_esterno).length > EXTERNAL_ID_MAX) throw new ItemError(`id_esterno supera i ${EXTERNAL_ID_MAX} caratteri`);
    const programme = text(raw.programma).toLowerCase();
    if (!(PROGRAMME_KINDS as readonly string[]).includes(programme))
      throw new ItemError(`programma sconosciuto: "${text(raw.programma)}" (ammessi: ${PROGRAMME_KINDS.join(', ')})`);
    const procedure = text(raw.procedura).toLowerCase();
    if (!(PROCEDURES as readonly string[]).includes(procedure))
      throw new ItemError(`procedura sconosciuta: "${text(raw.procedura)}" (ammesse: ${PROCEDURES.join(', ')})`);
    const aggregation = AGGREGATION[text(raw.aggregazione).toLowerCase()];
    if (!aggregation) throw new ItemError(`aggregazione sconosciuta: "${text(raw.aggregazione)}" (ammesse: ammessa, richiesta, esclusa)`);
    const opensAt = instant(raw.apertura, 'data di apertura', false)!;
    const min = population(raw.popolazione_min, 'popolazione minima');
    const max = population(raw.popolazione_max, 'popolazione massima');
    const links = webLinks(raw.link);
    const regions = list(raw.regioni);
    const provinces = list(raw.province).map((p) => p.toUpperCase());
    const mapped: MappedCall = {
      url: links[0] ?? null,
      input: {
        title: text(raw.titolo),
        summary: text(raw.sintesi) || null,
        issuer: text(raw.ente),
        programme: { kind: programme, code: text(raw.codice_programma) || null },
        themes: list(raw.temi),
        eligibility: {
          bodyTypes: list(raw.tipi_ente),
          ...(min !== undefined || max !== undefined ? { population: { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) } } : {}),
          ...(regions.length || provinces.length ? { territory: { ...(regions.length ? { regions } : {}), ...(provinces.length ? { provinces } : {}) } } : {}),
          aggregation,
          exclusions: [],
          conditions: [],
        },
        money: { totalBudget: euros(raw.dotazione), amount: amountRule(raw.importo) },
        procedure,
        windows: [{ opensAt, closesAt: instant(raw.chiusura, 'data di chiusura', true) }],
        links: labelledLinks(links, 'Bando'),
      },
    };
    // Lengths and ranges are checked by the ingestion service, as for every connector.
    return mapped;
  },
};
