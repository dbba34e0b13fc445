import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOpenApiDocument, readCommittedOpenApiDocument } from '../../server/src/openapi-document.ts';
import { openApiFile, repoRoot } from '../../server/src/paths.ts';
import { useTestApp } from '../helpers/app.ts';

const checker = resolve(repoRoot, '../shared/tools/check_openapi.py');
if (!existsSync(checker)) console.log(`skipped the AgID conventions check: ${checker} is absent (../shared not beside the repo)`);
const ctx = useTestApp();
let generated: string;
let baseUrl: string;

beforeAll(async () => {
  generated = await generateOpenApiDocument();
  baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => ctx.app.close());

describe('the OpenAPI document', () => {
  it('is committed and up to date (run `npm run openapi` after changing a route)', () => {
    expect(readCommittedOpenApiDocument()).toBe(generated);
  });

  it('gives the web app its typed client, regenerated with it', async () => {
    const { default: openapiTS, astToString } = await import('openapi-typescript');
    const types = astToString(await openapiTS(JSON.parse(generated), { defaultNonNullable: false }));
    const committed = readFileSync(resolve(repoRoot, 'web/src/api/schema.d.ts'), 'utf8');
    // The CLI adds a banner; the types themselves must be the same.
    expect(committed.slice(committed.indexOf('export '))).toBe(types.slice(types.indexOf('export ')));
  });

  it('validates as OpenAPI 3', async () => {
    const api = await SwaggerParser.validate(JSON.parse(generated));
    expect(api).toHaveProperty('openapi', '3.0.3');
  });

  it('is served at /api/v1/openapi.json with Swagger UI at /api/docs', async () => {
    const doc = await request(ctx.app.server).get('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.paths['/status']).toBeDefined();
    const ui = await request(ctx.app.server).get('/api/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('forbids framing /api/docs, like every other page', async () => {
    for (const url of ['/api/docs', '/api/docs/', '/api/docs/static/index.html']) {
      const res = await request(ctx.app.server).get(url);
      expect(res.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy'], url).not.toContain("frame-ancestors 'self'");
    }
  });

  it.skipIf(!existsSync(checker))('holds the AgID API conventions, live error answers included', async () => {
    // Asynchronous, so this process keeps serving the checker's live probes.
    // Paths are relative to the document's server, `/api/v1` (the Italian guidelines want `/status` there).
    const args = [checker, openApiFile, '--base', `${baseUrl}/api/v1`, '--prefix', ''];
    const { stdout: output } = await promisify(execFile)('python3', args, { encoding: 'utf8' });
    expect(output).toMatch(/(\d+)\/\1 rules hold/);
  });
});

if (!existsSync(checker)) console.log(`skipped the convention checker: ${checker} is absent (../shared not beside the repo)`);
