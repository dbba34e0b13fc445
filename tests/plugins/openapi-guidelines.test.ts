import { beforeAll, describe, expect, it } from 'vitest';
import { generateOpenApiDocument } from '../../server/src/openapi-document.ts';

/**
 * What the official checker of the Italian API guidelines (`npm run lint:api`, Spectral with
 * ../shared/tools/agid-oas-rules/spectral-full.yml) fails on, checked over the whole document without
 * it: a route added later is held to the same rules, and the failure names the place to fix.
 */
type Node = Record<string, unknown>;
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Node[];
  requestBody?: { content?: Node };
}
interface Document {
  info: Node;
  servers: { url: string; description?: string; 'x-sandbox'?: boolean }[];
  tags: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Node; securitySchemes: Record<string, Node> };
}

let doc: Document;
beforeAll(async () => {
  doc = JSON.parse(await generateOpenApiDocument()) as Document;
});

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'];
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ where: `${method.toUpperCase()} ${path}`, method, operation })),
  );

/** Every schema object of the document, with where it sits. */
function schemas(node: unknown, where: string, out: { where: string; schema: Node }[] = []) {
  if (Array.isArray(node)) node.forEach((child, i) => schemas(child, `${where}[${i}]`, out));
  else if (node && typeof node === 'object') {
    if (typeof (node as Node).type === 'string') out.push({ where, schema: node as Node });
    for (const [key, child] of Object.entries(node)) schemas(child, `${where}/${key}`, out);
  }
  return out;
}

/** The one bound the guidelines want that a schema lacks, or null. */
function missingBound(schema: Node): string | null {
  const has = (key: string) => schema[key] !== undefined;
  switch (schema.type) {
    case 'string':
      return has('maxLength') || has('enum') || has('format') ? null : 'maxLength';
    case 'integer':
    case 'number':
      return has('minimum') && has('maximum') ? null : 'minimum and maximum';
    case 'array':
      return has('minItems') && has('maxItems') ? null : 'minItems and maxItems';
    case 'object':
      if (schema.additionalProperties === false) return null;
      if (schema.additionalProperties === true || schema.additionalProperties === undefined) return 'additionalProperties: false';
      return has('maxProperties') ? null : 'maxProperties';
    default:
      return null;
  }
}

describe('the OpenAPI document and the Italian API guidelines', () => {
  it('bounds every string, number, array and object it describes', () => {
    const unbounded = schemas({ paths: doc.paths, components: doc.components.schemas }, '')
      .map(({ where, schema }) => ({ where, missing: missingBound(schema) }))
      .filter(({ missing }) => missing !== null)
      .map(({ where, missing }) => `${where}: ${missing}`);
    expect(unbounded).toEqual([]);
  });

  it('describes every operation in Italian, with who may call it, under a declared tag', () => {
    const declared = new Map(doc.tags.map((tag) => [tag.name, tag.description]));
    for (const [name, description] of declared) expect(description, `tag ${name}`).toBeTruthy();
    for (const { where, operation } of operations()) {
      expect(operation.description, where).toMatch(/Accesso: /);
      for (const tag of operation.tags ?? []) expect(declared.has(tag), `${where}: tag ${tag}`).toBe(true);
      expect(operation.tags?.length, where).toBeGreaterThan(0);
    }
  });

  it('states the security of every operation, with schemes it declares', () => {
    const schemes = new Set(Object.keys(doc.components.securitySchemes));
    for (const { where, method, operation } of operations()) {
      expect(operation.security?.length, where).toBeGreaterThan(0);
      for (const requirement of operation.security ?? [])
        for (const name of Object.keys(requirement)) expect(schemes.has(name), `${where}: ${name}`).toBe(true);
      if (['post', 'put', 'patch', 'delete'].includes(method)) {
        // An unsafe operation with a session needs the CSRF token as well.
        for (const requirement of operation.security ?? []) if ('oidcSession' in requirement) expect(requirement, where).toHaveProperty('csrfToken');
      }
    }
    for (const [name, scheme] of Object.entries(doc.components.securitySchemes)) {
      if (scheme.type === 'apiKey') expect(scheme.in, `${name}: API keys only in headers`).toBe('header');
      expect(scheme.description, name).toBeTruthy();
    }
  });

  it('takes PATCH bodies as merge patches (RFC 7396), never as plain JSON', () => {
    const patches = operations().filter(({ method }) => method === 'patch');
    expect(patches.length).toBeGreaterThan(0);
    for (const { where, operation } of patches) expect(Object.keys(operation.requestBody?.content ?? {}), where).toEqual(['application/merge-patch+json']);
  });

  it('names its servers, production over HTTPS, with /status at the root of its paths', () => {
    for (const server of doc.servers) {
      expect(server.description, server.url).toBeTruthy();
      if (!server['x-sandbox']) expect(server.url).toMatch(/^https:\/\//);
      expect(server.url).toMatch(/\/api\/v1$/);
    }
    expect(doc.paths['/status']?.get).toBeDefined();
    expect(doc.info['x-summary']).toBeTruthy();
    expect(doc.info.termsOfService).toMatch(/^https:\/\//);
    expect(doc.info.contact).toBeTruthy();
    expect(doc.info.license).toBeTruthy();
  });
});
