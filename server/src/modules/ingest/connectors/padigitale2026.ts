import { ItemError, bodyTypesIn, euros, text, type Connector, type RawItem } from '../ingest.connector.ts';
import { decodeText } from '../../../shared/csv.ts';
import { parseItalianDate, romeInstant } from '../ingest.italian-dates.ts';
import { csvRecords } from './csv-records.ts';

const COLUMNS = ['titolo', 'misura', 'data_inizio_bando', 'data_fine_bando', 'totale_importo_stanziato', 'soggetti_destinatari'];

/** PA digitale 2026 open data: avvisi.csv or avvisi.json, one avviso per record, keyed by its title. */
export const padigitale2026: Connector = {
  kind: 'padigitale2026',
  split(payload) {
    const { text: body } = decodeText(payload);
    const records: Record<string, unknown>[] = body.trimStart().startsWith('[') ? JSON.parse(body) : csvRecords(payload, COLUMNS);
    if (!Array.isArray(records)) throw new ItemError('il JSON non è un elenco di avvisi');
    return records.map((record, i): RawItem => ({ externalId: text(record.titolo) || `riga-${i + 2}`, raw: record }));
  },
  map(raw) {
    const title = text(raw.titolo);
    if (!title) throw new ItemError('avviso senza titolo');
    const opens = parseItalianDate(text(raw.data_inizio_bando));
    const closes = parseItalianDate(text(raw.data_fine_bando));
    if (!opens) throw new ItemError(`data di inizio non valida: "${text(raw.data_inizio_bando)}"`);
    if (text(raw.data_fine_bando) && !closes) throw new ItemError(`data di fine non valida: "${text(raw.data_fine_bando)}"`);
    const recipients = text(raw.soggetti_destinatari);
    return {
      url: 'https://padigitale2026.gov.it/misure/',
      input: {
        title,
        summary: text(raw.misura) || null,
        issuer: 'Dipartimento per la trasformazione digitale',
        programme: { kind: 'pnrr', code: text(raw.misura) || null },
        themes: [],
        eligibility: {
          bodyTypes: bodyTypesIn(recipients),
          aggregation: 'allowed',
          exclusions: [],
          conditions: recipients ? [`Soggetti destinatari: ${recipients.replace(/;/g, ', ')}`] : [],
        },
        money: { totalBudget: euros(raw.totale_importo_stanziato) },
        procedure: 'sportello',
        windows: [{ opensAt: romeInstant(opens.day), closesAt: closes ? romeInstant(closes.day, '23:59:59') : null }],
        links: [{ label: 'PA digitale 2026', url: 'https://padigitale2026.gov.it/misure/' }],
      },
    };
  },
};
