import { existsSync, readFileSync } from 'node:fs';
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
  volumes?: string[];
  ports?: string[];
  networks?: Record<string, { ipv4_address?: string }>;
}

// Docker Compose reads YAML merge keys (`<<: *app-environment`); so does this parse.
const compose = parse(readFileSync(resolve(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const dockerfile = readFileSync(resolve(repoRoot, 'Dockerfile'), 'utf8');

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

  it('runs web processes without jobs behind the proxy, and the jobs in a worker service of the same image', () => {
    const { app, worker } = compose.services;
    expect(app?.environment?.RUN_WORKERS).toBe('false');
    expect(app?.ports).toBeUndefined(); // scaled replicas cannot share a host port: the proxy has it
    expect(worker?.build).toEqual(app?.build);
    expect(worker?.command).toEqual(['node', '--import', 'tsx', 'server/src/worker.ts']);
    // The worker's command is the image's own, with the worker's entry point instead of the server's.
    expect(dockerfile).toContain('CMD ["node", "--max-semi-space-size=64", "--import", "tsx", "server/src/main.ts"]');
    const healthcheck = (worker?.healthcheck?.test as string[]).join(' ');
    expect(existsSync(resolve(repoRoot, healthcheck.split(' ').at(-1)!))).toBe(true);
    for (const variable of PRODUCTION_VARIABLES) expect(worker?.environment, variable).toHaveProperty(variable);
    expect(worker?.environment?.DATABASE_URL).toBe(app?.environment?.DATABASE_URL);
  });

  it('trusts X-Forwarded-For from the proxy alone, at its fixed address, and proxies to every app replica', () => {
    const { app, proxy } = compose.services;
    const proxyAddress = proxy?.networks?.default?.ipv4_address;
    expect(proxyAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(app?.environment?.TRUST_PROXY).toBe(proxyAddress);
    const mount = proxy?.volumes?.find((v) => v.includes('/etc/caddy/Caddyfile'));
    const caddyfile = readFileSync(resolve(repoRoot, mount!.split(':')[0]!), 'utf8');
    expect(caddyfile).toMatch(/dynamic a \{\s+name app\s+port 3000/);
    expect(proxy?.ports?.[0]).toMatch(/:80$/);
  });
});
