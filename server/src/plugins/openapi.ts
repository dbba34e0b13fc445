import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type } from '../shared/schema.ts';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { FieldErrorSchema, ProblemSchema } from './errors/problem.ts';
import { version } from '../version.ts';
import { SECURITY_SCHEMES } from './security-schemes.ts';
import { mergePatchBodies } from './merge-patch.ts';

const problemContent = { 'application/problem+json': { schema: Type.Ref('Problem') } };

const DEFAULT_ERRORS: Record<string, string> = {
  '400': 'Richiesta non valida (parametri, JSON o campi errati)',
  '429': 'Troppe richieste: riprova dopo il tempo indicato da Retry-After',
  '500': 'Errore interno',
};

/** Documents error answers of a route: `...problemResponses({ 404: 'Bando non trovato' })`. */
export function problemResponses(descriptions: Record<number, string>) {
  return Object.fromEntries(Object.entries(descriptions).map(([status, description]) => [status, { description, content: problemContent }]));
}

function addDefaultErrors(route: RouteOptions) {
  if (!route.url.startsWith('/api/v1') || !route.schema || route.schema.hide) return;
  const response = (route.schema.response ?? {}) as Record<string, unknown>;
  for (const [status, description] of Object.entries(DEFAULT_ERRORS)) {
    response[status] ??= { description, content: problemContent };
  }
  route.schema.response = response;
}

interface OpenApiOperation {
  summary?: string;
  description?: string;
  parameters?: { in: string; required?: boolean; schema?: { default?: unknown } }[];
  responses?: Record<string, { description?: string }>;
}
type OpenApiDocument = { paths?: Record<string, Record<string, OpenApiOperation & { requestBody?: { content?: Record<string, unknown> } }>> };

/** A query parameter with a default may be left out: clients generated from the document must not require it. */
function withOptionalDefaults(document: OpenApiDocument) {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const parameter of operation.parameters ?? []) if (parameter.in === 'query' && parameter.schema?.default !== undefined) parameter.required = false;
    }
  }
  return document;
}

/** Where the API lives; paths are relative to it, so `/status` is the health check the guidelines ask for. */
export const API_SERVERS = [
  {
    url: 'https://{host}/api/v1',
    description: "Produzione: l'installazione del cruscotto (indirizzo scelto con PUBLIC_BASE_URL)",
    variables: { host: { default: 'cruscotto.example.org', description: "Il dominio dell'installazione" } },
  },
  { url: 'http://localhost:3000/api/v1', description: 'Sviluppo locale (npm start)', 'x-sandbox': true },
];

/** Every tag an operation may carry, with what it groups; a route with an undeclared tag fails at start-up. */
export const API_TAGS = {
  system: 'Stato del servizio: salute (/status) e prontezza (/ready)',
  auth: 'Accesso: sessioni, OpenID Connect, password, token CSRF e profilo della persona',
  users: 'Utenti, appartenenze ai comuni, inviti, token API e registro delle modifiche (amministrazione)',
  comuni: 'Anagrafe dei comuni, profili, contatti e importazioni (ISTAT, IPA, storico dei finanziamenti)',
  programming: 'Programmazione triennale di un comune: interventi, temi, fonti di finanziamento',
  aggregations: 'Aggregazioni di comuni: unioni, uffici RTD associati, convenzioni',
  calls: 'Bandi: catalogo pubblico, redazione, revisione, pubblicazione e storico',
  ingest: 'Importazione dei bandi dalle fonti e regole dei temi',
  search: 'Ricerca a testo libero e a faccette nel catalogo dei bandi',
  matching: 'Opportunità: quali bandi può usare ciascun comune, copertura del territorio',
  themes: 'Temi del catalogo (digitale, energia, scuole, ...)',
  alerts: 'Avvisi, notifiche, ricerche salvate, feed, webhook e registro degli invii',
  applications: 'Candidature dei comuni: stato per bando, passi interni, note, traguardi dopo il finanziamento',
  territory: 'Territorio per Regione e ANCI: mappa, fondi ottenuti, fabbisogni, rapporto periodico',
  'open-data': 'Dati aperti (CC BY 4.0): bandi pubblicati, indicatori, catalogo DCAT-AP_IT',
  indicators: 'Indicatori del programma (DGR 5269/2021): utenti, amministrazioni, visualizzazioni, gradimento',
} as const;

function requireDeclaredTags(route: RouteOptions) {
  for (const tag of (route.schema?.tags as string[] | undefined) ?? []) {
    if (!(tag in API_TAGS)) throw new Error(`route ${String(route.method)} ${route.url} uses tag '${tag}', absent from API_TAGS in plugins/openapi.ts`);
  }
}

/**
 * OpenAPI 3.0 has no null type: @fastify/swagger writes the `null` of a nullable reference as an object
 * that can only be null, which the guidelines' checker reads as an object open to any property.
 */
function closeNullPlaceholders(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(closeNullPlaceholders);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  if (schema.type === 'object' && schema.nullable === true && Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === null) {
    schema.additionalProperties = false;
  }
  Object.values(schema).forEach(closeNullPlaceholders);
}

/** The notable errors of an operation, from its documented answers, appended to its description. */
function withErrorsInDescriptions(document: OpenApiDocument) {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const errors = Object.entries(operation.responses ?? {})
        .filter(([status]) => Number(status) >= 400 && !(status in DEFAULT_ERRORS))
        .map(([status, answer]) => `${status}: ${answer.description}`);
      const parts = [operation.description ?? operation.summary, errors.length > 0 ? `Errori: ${errors.join('; ')}.` : undefined];
      operation.description = parts.filter(Boolean).join('\n\n');
    }
  }
  closeNullPlaceholders(document);
  mergePatchBodies(document.paths ?? {});
  return document;
}

export const openApiPlugin = fp(async (app: FastifyInstance) => {
  app.addSchema(FieldErrorSchema);
  app.addSchema(ProblemSchema);
  app.addHook('onRoute', addDefaultErrors);
  app.addHook('onRoute', requireDeclaredTags);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        ...{ 'x-summary': 'Quali bandi di finanziamento può usare ciascun comune, e il loro catalogo' },
        title: 'Cruscotto digitale API',
        version,
        description:
          'API del cruscotto digitale dei finanziamenti per i comuni (Regione Lombardia, ANCI Lombardia). ' +
          'Errori in formato RFC 7807 application/problem+json; elenchi come { items, total, limit, offset, _links }; ' +
          'modifiche parziali (PATCH) in application/merge-patch+json (RFC 7396).',
        termsOfService: 'https://cruscotto.example.org/note-legali',
        contact: { name: 'ANCI Lombardia' },
        license: { name: 'EUPL-1.2', url: 'https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12' },
      },
      servers: API_SERVERS,
      tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transformObject: (documentObject) =>
      withErrorsInDescriptions(
        withOptionalDefaults(('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject) as OpenApiDocument),
      ) as never,
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // Swagger UI's own policy lets the page be framed by the same origin; nothing here needs that.
    transformStaticCSP: (policy) => policy.replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
  });

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
});
