import { decodeText } from '../../../shared/csv.ts';
import { ItemError, text, type Connector } from '../ingest.connector.ts';
import { parseItalianDate, romeInstant } from '../ingest.italian-dates.ts';

const PORTAL = 'https://www.bandi.regione.lombardia.it/';

/** Regione Lombardia "Anagrafica dei bandi regionali" (Socrata dataset bukx-h2uy, JSON rows). */
export const lombardia: Connector = {
  kind: 'lombardia',
  split(payload) {
    const rows = JSON.parse(decodeText(payload).text) as unknown;
    if (!Array.isArray(rows)) throw new ItemError('la risposta non è un elenco di bandi');
    return rows.map((row: Record<string, unknown>, i) => ({ externalId: text(row.codice_bando) || `riga-${i + 1}`, raw: row }));
  },
  map(raw) {
    const title = text(raw.titolo_bando);
    if (!title) throw new ItemError('bando senza titolo');
    const opens = parseItalianDate(text(raw.apertura_adesione));
    if (!opens) throw new ItemError(`data di apertura non valida: "${text(raw.apertura_adesione)}"`);
    const closes = parseItalianDate(text(raw.chiusura_adesione));
    if (text(raw.chiusura_adesione) && !closes) throw new ItemError(`data di chiusura non valida: "${text(raw.chiusura_adesione)}"`);
    const instrument = text(raw.tipo_strumento);
    return {
      url: PORTAL,
      input: {
        title,
        summary: [text(raw.direzione_generale), instrument].filter(Boolean).join(' — ') || null,
        issuer: text(raw.ente) || 'Regione Lombardia',
        programme: { kind: 'regionale', code: null },
        themes: [],
        // The dataset does not say who may apply: editors confirm it before publishing.
        eligibility: {
          bodyTypes: ['comune'],
          territory: { regions: ['03'] },
          aggregation: 'allowed',
          exclusions: [],
          conditions: ['Destinatari non indicati dalla fonte: verificare nel bando.'],
        },
        money: {},
        procedure: /sportello/i.test(instrument) ? 'sportello' : 'graduatoria',
        windows: [{ opensAt: romeInstant(opens.day, opens.time ?? '00:00:00'), closesAt: closes ? romeInstant(closes.day, closes.time ?? '23:59:59') : null }],
        links: [{ label: 'Bandi e servizi di Regione Lombardia', url: PORTAL }],
      },
    };
  },
};
