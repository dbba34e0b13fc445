import { ItemError, labelledLinks, webLinks, bodyTypesIn, euros, text, type Connector } from '../ingest.connector.ts';
import { parseItalianDate, romeInstant } from '../ingest.italian-dates.ts';
import { csvRecords } from './csv-records.ts';

const SERIAL = 'Numero seriale';
const TITLE = 'Titolo Bando o Avviso';
const COLUMNS = [
  'Codice Univoco Submisura',
  'Descrizione Submisura',
  SERIAL,
  TITLE,
  'Soggetto emanante',
  'Data apertura bando',
  'Data chiusura effettiva bando',
  'Link al bando',
];
const RECIPIENTS = 'Destinatari del Bando o dell’Avviso';

/** Italia Domani "Bandi e Avvisi": the national PNRR catalogue of every ministry, keyed by serial number. */
export const italiadomani: Connector = {
  kind: 'italiadomani',
  split(payload) {
    return csvRecords(payload, COLUMNS).map((record) => ({ externalId: text(record[SERIAL]) || `riga-${record._line}`, raw: record }));
  },
  map(raw) {
    const title = text(raw[TITLE]).replace(/\s+/g, ' ');
    if (!title) throw new ItemError('bando senza titolo');
    const opens = parseItalianDate(text(raw['Data apertura bando']));
    if (!opens) throw new ItemError(`data di apertura non valida: "${text(raw['Data apertura bando'])}"`);
    const closeText = text(raw['Data chiusura effettiva bando']);
    const closes = parseItalianDate(closeText);
    if (closeText && !closes) throw new ItemError(`data di chiusura non valida: "${closeText}"`);
    const untilFundsRunOut = /^s[iì]/i.test(text(raw['Fino ad esaurimento risorse']));
    const links = webLinks(raw['Link al bando']);
    const recipients = text(raw[RECIPIENTS]);
    const opensAt = romeInstant(opens.day);
    const closesAt = closes ? romeInstant(closes.day, '23:59:59') : null;
    return {
      url: links[0] ?? null,
      input: {
        title,
        summary: text(raw['Descrizione Submisura']) || null,
        issuer: text(raw['Soggetto emanante']) || 'Amministrazione titolare PNRR',
        programme: { kind: 'pnrr', code: text(raw['Codice Univoco Submisura']) || null },
        themes: [],
        eligibility: {
          bodyTypes: bodyTypesIn(recipients),
          aggregation: 'allowed',
          exclusions: [],
          conditions: recipients ? [`Destinatari: ${recipients}`] : [],
        },
        money: { totalBudget: euros(raw['Importo previsto PNRR']) ?? euros(raw['Importo complessivo gara']) },
        procedure: untilFundsRunOut ? 'sportello' : 'graduatoria',
        windows: [{ opensAt, closesAt: closesAt && closesAt > opensAt ? closesAt : closesAt ? romeInstant(opens.day, '23:59:59') : null }],
        links: labelledLinks(links, 'Bando'),
      },
    };
  },
};
