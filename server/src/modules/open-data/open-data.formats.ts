import { csvEuros, toCsv } from '../../shared/csv-write.ts';
import type { publishedCalls } from './open-data.queries.ts';

type Row = Awaited<ReturnType<typeof publishedCalls>>[number];
export const LICENSE = 'https://creativecommons.org/licenses/by/4.0/';

export const callRecord = (c: Row, publicBaseUrl: string) => ({
  id: c.id,
  title: c.title,
  issuer: c.issuer,
  programmeKind: c.programme_kind,
  measureCode: c.measure_code,
  procedure: c.procedure,
  totalBudget: c.total_budget,
  maxAmount: c.amount_max,
  opensAt: c.opens_at?.toISOString() ?? null,
  closesAt: c.closes_at?.toISOString() ?? null,
  publishedAt: c.published_at?.toISOString() ?? null,
  url: new URL(`/bandi/${c.id}`, publicBaseUrl).toString(),
});

export function callsCsv(rows: readonly Row[], publicBaseUrl: string): string {
  return toCsv(
    ['ID', 'Titolo', 'Ente', 'Programma', 'Misura', 'Procedura', 'Dotazione (€)', 'Importo massimo (€)', 'Apertura', 'Chiusura', 'Pubblicato', 'Pagina'],
    rows.map((c) => {
      const r = callRecord(c, publicBaseUrl);
      return [
        r.id,
        r.title,
        r.issuer,
        r.programmeKind,
        r.measureCode,
        r.procedure,
        csvEuros(r.totalBudget),
        csvEuros(r.maxAmount),
        r.opensAt,
        r.closesAt,
        r.publishedAt,
        r.url,
      ];
    }),
  );
}

/** DCAT-AP_IT description of the catalogue, for dati.gov.it to harvest. */
export function catalogJsonLd(publicBaseUrl: string, modified: string) {
  const at = (path: string) => new URL(path, publicBaseUrl).toString();
  const publisher = { '@type': ['foaf:Organization', 'dcatapit:Agent'], 'foaf:name': 'Regione Lombardia', 'dct:identifier': 'r_lombar' };
  const distribution = (path: string, format: string, media: string) => ({
    '@id': at(path),
    '@type': 'dcatapit:Distribution',
    'dcat:accessURL': { '@id': at(path) },
    'dcat:downloadURL': { '@id': at(path) },
    'dct:format': { '@id': `http://publications.europa.eu/resource/authority/file-type/${format}` },
    'dcat:mediaType': media,
    'dct:license': { '@id': LICENSE, '@type': 'dcatapit:LicenseDocument', 'foaf:name': 'CC BY 4.0' },
    'dct:title': `Bandi per i comuni (${format})`,
  });
  return {
    '@context': {
      dcat: 'http://www.w3.org/ns/dcat#',
      dct: 'http://purl.org/dc/terms/',
      foaf: 'http://xmlns.com/foaf/0.1/',
      dcatapit: 'http://dati.gov.it/onto/dcatapit#',
    },
    '@id': at('/api/v1/open-data/catalog.jsonld'),
    '@type': 'dcatapit:Catalog',
    'dct:title': 'Cruscotto digitale dei comuni',
    'dct:description': 'Catalogo dei dati aperti del Cruscotto digitale dei comuni di Regione Lombardia e ANCI Lombardia.',
    'dct:publisher': publisher,
    'dct:modified': modified,
    'foaf:homepage': { '@id': at('/') },
    'dcat:dataset': [
      {
        '@id': at('/api/v1/open-data/calls.json'),
        '@type': 'dcatapit:Dataset',
        'dct:identifier': 'r_lombar:cruscotto-bandi',
        'dct:title': 'Bandi di finanziamento per i comuni',
        'dct:description': 'I bandi pubblicati nel Cruscotto: ente, programma, misura, dotazione, finestre e pagina del bando.',
        'dct:publisher': publisher,
        'dct:rightsHolder': publisher,
        'dct:modified': modified,
        'dct:language': { '@id': 'http://publications.europa.eu/resource/authority/language/ITA' },
        'dcat:theme': { '@id': 'http://publications.europa.eu/resource/authority/data-theme/GOVE' },
        'dct:accrualPeriodicity': { '@id': 'http://publications.europa.eu/resource/authority/frequency/DAILY' },
        'dcat:distribution': [
          distribution('/api/v1/open-data/calls.csv', 'CSV', 'text/csv'),
          distribution('/api/v1/open-data/calls.json', 'JSON', 'application/json'),
        ],
      },
    ],
  };
}
