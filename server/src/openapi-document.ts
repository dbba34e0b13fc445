import { readFileSync, writeFileSync } from 'node:fs';
import { buildApp } from './app.ts';
import { loadConfig } from './plugins/config.ts';
import { createDb } from './plugins/db/database.ts';
import { openApiFile } from './paths.ts';

/** The OpenAPI document as the routes declare it; building it needs no database connection. */
export async function generateOpenApiDocument(): Promise<string> {
  const config = loadConfig({ SESSION_SECRET: 'x'.repeat(32), LOG_LEVEL: 'silent', RUN_WORKERS: 'false', DATA_DIR: '/nonexistent' });
  const app = await buildApp(config, { db: createDb('postgres://openapi@127.0.0.1:1/unused') });
  await app.ready();
  const document = JSON.stringify(app.swagger(), null, 2) + '\n';
  await app.close();
  return document;
}

/**
 * The document with the server's base path (`/api/v1`) written into every path and one server, the
 * origin: for tools that ignore `servers`, such as ../shared/tools/fuzz_api.py (`--doc`).
 */
export async function writeFlatOpenApiDocument(file: string): Promise<{ file: string; changed: boolean }> {
  const document = JSON.parse(await generateOpenApiDocument()) as { servers: { url: string }[]; paths: Record<string, unknown> };
  const base = new URL(document.servers[0]!.url.replace('{host}', 'host')).pathname.replace(/\/$/, '');
  document.paths = Object.fromEntries(Object.entries(document.paths).map(([path, item]) => [`${base}${path}`, item]));
  document.servers = [{ url: '/' }];
  writeFileSync(file, JSON.stringify(document, null, 2) + '\n');
  return { file, changed: true };
}

export function readCommittedOpenApiDocument(): string {
  return readFileSync(openApiFile, 'utf8');
}

export async function writeOpenApiDocument(): Promise<{ file: string; changed: boolean }> {
  const document = await generateOpenApiDocument();
  let previous = '';
  try {
    previous = readCommittedOpenApiDocument();
  } catch {
    // first generation
  }
  if (previous !== document) writeFileSync(openApiFile, document);
  return { file: openApiFile, changed: previous !== document };
}
