import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PRODUCTION_VARIABLES } from '../../server/src/plugins/config.ts';
import { repoRoot } from '../../server/src/paths.ts';

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  healthcheck?: { test: unknown };
  profiles?: string[];
  command?: string[];
  depends_on?: Record<string, unknown>;
}

const compose = parse(readFileSync(resolve(repoRoot, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };

describe('docker-compose.yml', () => {
  it('runs PostgreSQL 17, a pinned Meilisearch v1, an SMTP catcher and the app, each with a healthcheck', () => {
    const { postgres, meilisearch, mailpit, app } = compose.services;
    expect(postgres?.image).toMatch(/^postgres:17/);
    expect(meilisearch?.image).toMatch(/^getmeili\/meilisearch:v1\.\d+/);
    expect(mailpit?.image).toMatch(/mailpit/);
    expect(app?.build).toBeDefined();
    for (const [name, service] of Object.entries(compose.services).filter(([, s]) => !s.profiles)) {
      expect(service.healthcheck?.test, `${name} healthcheck`).toBeDefined();
    }
  });

  it('runs the search contract suite against its Meilisearch in the test profile only', () => {
    const runner = compose.services['search-engines'];
    expect(runner?.profiles).toEqual(['test']);
    expect(runner?.depends_on).toHaveProperty('meilisearch');
    expect(runner?.environment?.MEILISEARCH_URL).toBe('http://meilisearch:7700');
    expect(runner?.command?.join(' ')).toContain('npm run test:search-engines');
  });

  it('sets every variable the app needs in production', () => {
    const environment = compose.services.app?.environment ?? {};
    for (const variable of PRODUCTION_VARIABLES) expect(environment, variable).toHaveProperty(variable);
  });

  it('wires the app to the other services by name', () => {
    const environment = compose.services.app?.environment ?? {};
    expect(environment.DATABASE_URL).toContain('@postgres:5432/');
    expect(environment.MEILISEARCH_URL).toBe('http://meilisearch:7700');
    expect(environment.SMTP_URL).toBe('smtp://mailpit:1025');
    const variableOf = (value = '') => /^\$\{(\w+)/.exec(value)?.[1];
    expect(variableOf(environment.MEILISEARCH_API_KEY)).toBe('MEILI_MASTER_KEY');
    expect(variableOf(compose.services.meilisearch?.environment?.MEILI_MASTER_KEY)).toBe('MEILI_MASTER_KEY');
  });
});
