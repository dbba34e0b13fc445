import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/src/plugins/config.ts';

const SECRET = 's'.repeat(40);
const dirs: string[] = [];
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'cruscotto-config-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ SESSION_SECRET: SECRET, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to the embedded database on 127.0.0.1:3000', () => {
    const config = loadConfig({ SESSION_SECRET: SECRET, DATA_DIR: tempDir() });
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: undefined, publicBaseUrl: 'http://127.0.0.1:3000' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT', 'must be an integer between 0 and 65535 (got "abc")'],
    [{ PORT: '70000' }, 'PORT', 'between 0 and 65535'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', 'must use one of postgres: postgresql:'],
    [{ DATABASE_READ_URL: 'postgres://replica/cruscotto' }, 'DATABASE_READ_URL', 'needs DATABASE_URL'],
    [{ PUBLIC_BASE_URL: 'not a url' }, 'PUBLIC_BASE_URL', 'must be an absolute URL'],
    [{ MEILISEARCH_URL: 'ftp://meili' }, 'MEILISEARCH_URL', 'must use one of http: https:'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL', 'must use one of smtp: smtps:'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'must be one of fatal, error'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET', 'at least 32 characters'],
    [{ REVIEW_REQUIRED: 'maybe' }, 'REVIEW_REQUIRED', 'must be true or false'],
    [{ OIDC_ISSUER: 'https://idp.example' }, 'OIDC_CLIENT_ID', 'is required'],
    [{ INGEST_MAX_BYTES: '50MB' }, 'INGEST_MAX_BYTES', 'must be an integer between 1024 and 1073741824'],
    [{ OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'sometimes' }, 'OUTBOUND_ALLOW_PRIVATE_NETWORKS', 'must be true or false'],
  ])('rejects %o naming the variable', (env, variable, problem) => {
    const error = errorOf(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).toContain(problem);
  });

  it('caps ingestion answers at 50 MB and keeps outbound requests off private networks unless told, under either name', () => {
    const base = { SESSION_SECRET: SECRET, DATA_DIR: tempDir() };
    expect(loadConfig(base)).toMatchObject({ ingestMaxBytes: 52_428_800, outboundAllowPrivateNetworks: false });
    expect(loadConfig({ ...base, INGEST_MAX_BYTES: '65536' }).ingestMaxBytes).toBe(65_536);
    expect(loadConfig({ ...base, OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true' }).outboundAllowPrivateNetworks).toBe(true);
    expect(loadConfig({ ...base, WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true' }).outboundAllowPrivateNetworks).toBe(true);
    expect(loadConfig({ ...base, WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true', OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'false' }).outboundAllowPrivateNetworks).toBe(false);
  });

  it('generates SESSION_SECRET once and keeps it in DATA_DIR', () => {
    const dataDir = tempDir();
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.sessionSecret).toBe(first.sessionSecret);
    expect(readFileSync(join(dataDir, 'session-secret'), 'utf8').trim()).toBe(first.sessionSecret);
    expect(statSync(join(dataDir, 'session-secret')).mode & 0o077).toBe(0);
  });

  it('reads TRUST_PROXY as off, every hop, or the addresses of the proxies to believe', () => {
    const base = { SESSION_SECRET: SECRET, DATA_DIR: tempDir() };
    expect(loadConfig(base).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ ...base, TRUST_PROXY: 'loopback, 172.16.0.0/12,::1' }).trustProxy).toBe('loopback,172.16.0.0/12,::1');
    const error = errorOf({ TRUST_PROXY: 'the proxy' });
    expect(error.variable).toBe('TRUST_PROXY');
    expect(error.message).toContain("must be true, false or the proxies' addresses");
  });
});
