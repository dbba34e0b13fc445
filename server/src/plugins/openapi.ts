import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { FieldErrorSchema, ProblemSchema } from './errors/problem.ts';
import { version } from '../version.ts';

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

type OpenApiDocument = { paths?: Record<string, Record<string, { parameters?: { in: string; required?: boolean; schema?: { default?: unknown } }[] }>> };

/** A query parameter with a default may be left out: clients generated from the document must not require it. */
function withOptionalDefaults(document: OpenApiDocument) {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const parameter of operation.parameters ?? []) if (parameter.in === 'query' && parameter.schema?.default !== undefined) parameter.required = false;
    }
  }
  return document as never;
}

export const openApiPlugin = fp(async (app: FastifyInstance) => {
  app.addSchema(FieldErrorSchema);
  app.addSchema(ProblemSchema);
  app.addHook('onRoute', addDefaultErrors);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Cruscotto digitale API',
        version,
        description:
          'API del cruscotto digitale dei finanziamenti per i comuni (Regione Lombardia, ANCI Lombardia). ' +
          'Errori in formato RFC 7807 application/problem+json; elenchi come { items, total, limit, offset, _links }.',
        contact: { name: 'ANCI Lombardia' },
        license: { name: 'EUPL-1.2', url: 'https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12' },
      },
      servers: [{ url: '/' }],
      tags: [{ name: 'system', description: 'Stato del servizio' }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transformObject: (documentObject) =>
      withOptionalDefaults(('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject) as OpenApiDocument),
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // Swagger UI's own policy lets the page be framed by the same origin; nothing here needs that.
    transformStaticCSP: (policy) => policy.replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
  });

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
});
