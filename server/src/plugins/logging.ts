import { randomUUID } from 'node:crypto';
import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const REDACTED = '[redacted]';

/**
 * Secrets that travel in URLs: the key of a comune's or a person's feeds, the signed token of the
 * one-click unsubscribe (the API and the page the e-mail links to) and, in the query, the OpenID
 * Connect code and state. (Invitations carry their token after `#`, which never reaches the server.)
 */
const SECRET_PATH_SEGMENTS = [/^(\/api\/v1\/feeds\/)[^/?#]+/i, /^(\/api\/v1\/alerts\/unsubscribe\/[^/?#]+\/)[^/?#]+/i, /^(\/disiscrizione\/[^/?#]+\/)[^/?#]+/i];
const SECRET_QUERY_PARAMETERS = /([?&](?:token|code|state)=)[^&#]*/gi;

/** The URL as logs may keep it: the route stays readable, the secrets in it become `[redacted]`. */
export function redactedUrl(url: string): string {
  const path = SECRET_PATH_SEGMENTS.reduce((current, pattern) => current.replace(pattern, `$1${REDACTED}`), url);
  return path.replace(SECRET_QUERY_PARAMETERS, `$1${REDACTED}`);
}

/** Request logs carry UTC time, method, URI, status, client IP, user and request id; never personal data. */
export function loggerOptions(config: Config, stream?: { write(line: string): void }): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    serializers: {
      // Whatever logs a request logs its URL without the secrets some URLs carry.
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: redactedUrl(req.url ?? '') }),
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.email',
        '*.token',
        'err.config',
      ],
      censor: REDACTED,
    },
  };
}

export function requestIdOptions() {
  return {
    // Fastify would trust the header as is; genReqId accepts it only when it looks safe.
    requestIdHeader: false as const,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  };
}
