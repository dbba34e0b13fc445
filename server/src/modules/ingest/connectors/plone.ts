import { ItemError, webLinks, bodyTypesIn, text, type Connector } from '../ingest.connector.ts';
import { parseItalianDate, romeInstant } from '../ingest.italian-dates.ts';

type PloneItem = Record<string, unknown>;
const labels = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .map((v) => (v && typeof v === 'object' ? text((v as PloneItem).title ?? (v as PloneItem).token) : text(v)))
    .filter(Boolean);

/**
 * Comune and regional sites on Plone with the Design Comuni content type `Bando`, through
 * plone.restapi `@search?portal_type=Bando&fullobjects=1`; `split` receives every page's items.
 */
export const plone: Connector = {
  kind: 'plone',
  split(payload) {
    const body = JSON.parse(new TextDecoder().decode(payload)) as { items?: PloneItem[] };
    if (!Array.isArray(body.items)) throw new ItemError('la risposta non contiene "items"');
    return body.items.map((item, i) => ({ externalId: text(item.UID) || text(item['@id']) || `voce-${i + 1}`, raw: item }));
  },
  nextPage(payload) {
    const body = JSON.parse(new TextDecoder().decode(payload)) as { batching?: { next?: string } };
    return body.batching?.next ?? null;
  },
  map(raw) {
    const state = text(raw.review_state);
    if (state && state !== 'published') throw new ItemError(`bando non pubblicato sul sito (stato "${state}")`);
    const title = text(raw.title);
    if (!title) throw new ItemError('bando senza titolo');
    const opens = parseItalianDate(text(raw.apertura_bando)) ?? parseItalianDate(text(raw.effective));
    if (!opens) throw new ItemError('data di apertura mancante');
    const closes = parseItalianDate(text(raw.scadenza_bando));
    const issuer = labels(raw.ente_bando).join(', ');
    const recipients = labels(raw.destinatari).join(', ');
    const [url] = webLinks(raw['@id']);
    return {
      url: url ?? null,
      input: {
        title,
        summary: text(raw.description) || null,
        issuer: issuer || 'Ente non indicato',
        programme: { kind: 'altro', code: null },
        themes: [],
        eligibility: {
          bodyTypes: bodyTypesIn(recipients),
          aggregation: 'allowed',
          exclusions: [],
          conditions: recipients ? [`Destinatari: ${recipients}`] : [],
        },
        money: {},
        procedure: 'graduatoria',
        windows: [{ opensAt: romeInstant(opens.day, opens.time ?? '00:00:00'), closesAt: closes ? romeInstant(closes.day, closes.time ?? '23:59:59') : null }],
        links: url ? [{ label: 'Bando sul sito dell’ente', url }] : [],
      },
    };
  },
};
