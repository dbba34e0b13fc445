import { decodeText } from '../../../shared/csv.ts';
import { ItemError, labelledLinks, webLinks, bodyTypesIn, text, type Connector } from '../ingest.connector.ts';
import { extractDeadline } from '../ingest.italian-dates.ts';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decode(value: string): string {
  return value
    .replace(/^<!\[CDATA\[([\s\S]*)\]\]>$/, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, entity: string) =>
      entity.startsWith('#x')
        ? String.fromCodePoint(parseInt(entity.slice(2), 16))
        : entity.startsWith('#')
          ? String.fromCodePoint(Number(entity.slice(1)))
          : (ENTITIES[entity.toLowerCase()] ?? whole),
    )
    .replace(/\s+/g, ' ')
    .trim();
}

function tag(xml: string, names: string[]): string {
  for (const name of names) {
    const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'i').exec(xml);
    if (match) return decode(match[1]!.trim());
  }
  return '';
}

function link(xml: string): string {
  const atom = /<link[^>]*href="([^"]+)"/i.exec(xml);
  return atom ? atom[1]! : tag(xml, ['link']);
}

/** RSS 2.0 and Atom feeds of calls; the deadline is read from the Italian text of each entry. */
export const rss: Connector = {
  kind: 'rss',
  split(payload) {
    const xml = decodeText(payload).text;
    if (!/<(rss|feed|rdf:RDF)[\s>]/i.test(xml)) throw new ItemError('il documento non è un feed RSS o Atom');
    const entries = [...xml.matchAll(/<(item|entry)(?:\s[^>]*)?>([\s\S]*?)<\/\1>/gi)].map((m) => m[2]!);
    return entries.map((entry, i) => {
      const raw = {
        title: tag(entry, ['title']),
        link: link(entry),
        description: tag(entry, ['description', 'summary', 'content', 'content:encoded']),
        published: tag(entry, ['pubDate', 'published', 'updated', 'dc:date']),
        guid: tag(entry, ['guid', 'id']),
        category: tag(entry, ['category']),
      };
      return { externalId: raw.guid || raw.link || `voce-${i + 1}`, raw };
    });
  },
  map(raw) {
    const title = text(raw.title);
    if (!title) throw new ItemError('voce del feed senza titolo');
    const published = new Date(text(raw.published));
    if (Number.isNaN(published.getTime())) throw new ItemError(`data di pubblicazione non valida: "${text(raw.published)}"`);
    const description = text(raw.description);
    const deadline = extractDeadline(`${title}. ${description}`);
    const urls = webLinks(raw.link);
    return {
      url: urls[0] ?? null,
      input: {
        title,
        summary: description.slice(0, 2000) || null,
        issuer: 'Da verificare',
        programme: { kind: 'altro', code: null },
        themes: [],
        eligibility: {
          bodyTypes: bodyTypesIn(`${title} ${description}`),
          aggregation: 'allowed',
          exclusions: [],
          conditions: deadline ? [] : ['Scadenza non trovata nel testo: verificare nel bando.'],
        },
        money: {},
        procedure: 'graduatoria',
        windows: [{ opensAt: published.toISOString(), closesAt: deadline && deadline > published.toISOString() ? deadline : null }],
        links: labelledLinks(urls, 'Notizia'),
      },
    };
  },
};
