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
