import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { repoRoot } from '../paths.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly publicBaseUrl: string;
  readonly databaseUrl: string | undefined;
  /** A streaming replica of DATABASE_URL for the public reads (README, "Read replica"). */
  readonly databaseReadUrl: string | undefined;
  readonly dataDir: string;
  /** Where the map's boundaries are read at run time (TopoJSON of the shared data, never copied into the repo). */
  readonly geoDataDir: string;
  readonly meilisearchUrl: string | undefined;
  readonly meilisearchApiKey: string | undefined;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly sessionSecret: string;
  readonly logLevel: LogLevel;
  readonly rateLimitMax: number;
  readonly bodyLimitBytes: number;
  /** Fastify's trustProxy: false, true (every hop) or the proxies' addresses, comma-separated. */
  readonly trustProxy: boolean | string;
  readonly runWorkers: boolean;
  readonly reviewRequired: boolean;
  readonly deadlineSoonDays: number;
  /** Webhooks and ingestion sources may reach loopback and private addresses (off by default: no requests into our network). */
  readonly outboundAllowPrivateNetworks: boolean;
  /** Largest answer read from an ingestion source, per page. */
  readonly ingestMaxBytes: number;
  readonly sessionIdleMinutes: number;
  readonly sessionAbsoluteHours: number;
  readonly loginMaxFailures: number;
  readonly loginWindowMinutes: number;
  /** First wait once an account passed LOGIN_MAX_FAILURES; it doubles with each further failure. */
  readonly loginBackoffSeconds: number;
  readonly inactiveUserRetentionDays: number;
  readonly oidc: { readonly issuer: string; readonly clientId: string; readonly clientSecret: string; readonly minAcr: string | undefined } | undefined;
}

/** Variables the production shape (docker-compose.yml) must set for the app service. */
export const PRODUCTION_VARIABLES = [
  'PORT',
  'HOST',
  'PUBLIC_BASE_URL',
  'DATABASE_URL',
  'MEILISEARCH_URL',
  'MEILISEARCH_API_KEY',
  'SMTP_URL',
  'MAIL_FROM',
  'SESSION_SECRET',
  'LOG_LEVEL',
] as const;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

const PROXY_ADDRESS_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * Which proxies' X-Forwarded-For to believe: false, true (every hop, so the leftmost address, which
 * the client writes itself unless the proxy replaces the header), or the proxies' addresses and
 * CIDR ranges, which take the address the nearest untrusted hop connected from.
 */
function trustProxy(env: Env): boolean | string {
  const raw = read(env, 'TRUST_PROXY')?.toLowerCase();
  if (raw === undefined || ['0', 'false', 'no', 'off'].includes(raw)) return false;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  const addresses = raw.split(',').map((entry) => entry.trim());
  const valid = (entry: string) => PROXY_ADDRESS_NAMES.includes(entry) || isIP(entry.replace(/\/\d{1,3}$/, '')) !== 0;
  if (!addresses.every(valid)) {
    throw new ConfigError('TRUST_PROXY', `must be true, false or the proxies' addresses, e.g. loopback,172.16.0.0/12 (got "${raw}")`);
  }
  return addresses.join(',');
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be an absolute URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use one of ${protocols.join(' ')} (got "${parsed.protocol}")`);
  }
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

/** Reads the session secret, or creates it once in DATA_DIR so sessions survive restarts. */
function sessionSecret(env: Env, dataDir: string): string {
  const given = read(env, 'SESSION_SECRET');
  if (given !== undefined) {
    if (given.length < 32) throw new ConfigError('SESSION_SECRET', 'must be at least 32 characters long');
    return given;
  }
  const file = join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

function oidc(env: Env): Config['oidc'] {
  const issuer = url(env, 'OIDC_ISSUER', ['http:', 'https:']);
  const clientId = read(env, 'OIDC_CLIENT_ID');
  const clientSecret = read(env, 'OIDC_CLIENT_SECRET');
  if (issuer === undefined && clientId === undefined && clientSecret === undefined) return undefined;
  if (issuer === undefined) throw new ConfigError('OIDC_ISSUER', 'is required when OIDC_CLIENT_ID is set');
  if (clientId === undefined) throw new ConfigError('OIDC_CLIENT_ID', 'is required when OIDC_ISSUER is set');
  if (clientSecret === undefined) throw new ConfigError('OIDC_CLIENT_SECRET', 'is required when OIDC_ISSUER is set');
  return { issuer, clientId, clientSecret, minAcr: read(env, 'OIDC_MIN_ACR') };
}

/** Validates every setting once; nothing else in the server reads process.env. */
export function loadConfig(env: Env): Readonly<Config> {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = read(env, 'HOST') ?? '127.0.0.1';
  const rawDataDir = read(env, 'DATA_DIR') ?? '.data';
  const dataDir = isAbsolute(rawDataDir) ? rawDataDir : resolve(read(env, 'INIT_CWD') ?? repoRoot, rawDataDir);
  const publicBaseUrl = (url(env, 'PUBLIC_BASE_URL', ['http:', 'https:']) ?? `http://${host}:${port}`).replace(/\/+$/, '');
  const mailFrom = read(env, 'MAIL_FROM') ?? 'Cruscotto digitale <noreply@cruscotto.local>';
  if (!/@/.test(mailFrom)) throw new ConfigError('MAIL_FROM', 'must contain an e-mail address');

  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const databaseReadUrl = url(env, 'DATABASE_READ_URL', ['postgres:', 'postgresql:']);
  if (databaseReadUrl && !databaseUrl) throw new ConfigError('DATABASE_READ_URL', 'needs DATABASE_URL: a replica follows an external primary');

  return Object.freeze({
    port,
    host,
    publicBaseUrl,
    databaseUrl,
    databaseReadUrl,
    dataDir,
    geoDataDir: resolve(read(env, 'INIT_CWD') ?? repoRoot, read(env, 'GEO_DATA_DIR') ?? resolve(repoRoot, '../shared/data/geo')),
    meilisearchUrl: url(env, 'MEILISEARCH_URL', ['http:', 'https:']),
    meilisearchApiKey: read(env, 'MEILISEARCH_API_KEY'),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom,
    sessionSecret: sessionSecret(env, dataDir),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    rateLimitMax: integer(env, 'RATE_LIMIT_MAX', 600, 1, 10_000_000),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    trustProxy: trustProxy(env),
    runWorkers: boolean(env, 'RUN_WORKERS', true),
    reviewRequired: boolean(env, 'REVIEW_REQUIRED', true),
    deadlineSoonDays: integer(env, 'DEADLINE_SOON_DAYS', 14, 1, 365),
    // WEBHOOKS_ALLOW_PRIVATE_NETWORKS is the name it had when only webhooks went out.
    outboundAllowPrivateNetworks: boolean(env, 'OUTBOUND_ALLOW_PRIVATE_NETWORKS', boolean(env, 'WEBHOOKS_ALLOW_PRIVATE_NETWORKS', false)),
    ingestMaxBytes: integer(env, 'INGEST_MAX_BYTES', 52_428_800, 1024, 1_073_741_824),
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 60, 1, 7 * 24 * 60),
    sessionAbsoluteHours: integer(env, 'SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 30),
    loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginWindowMinutes: integer(env, 'LOGIN_WINDOW_MINUTES', 15, 1, 24 * 60),
    loginBackoffSeconds: integer(env, 'LOGIN_BACKOFF_SECONDS', 30, 1, 3600),
    inactiveUserRetentionDays: integer(env, 'INACTIVE_USER_RETENTION_DAYS', 730, 30, 36500),
    oidc: oidc(env),
  });
}
