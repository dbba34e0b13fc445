import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import compress from '@fastify/compress';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** Below this a compressed answer saves less than the cost of compressing it. */
const THRESHOLD_BYTES = 1024;

/**
 * Compresses API answers (JSON, CSV, feeds) for clients that accept it. Brotli at a low quality:
 * answers are compressed on every request, and quality 4 keeps most of the gain at a fraction of the
 * time of the highest levels used for the precompressed SPA. Static files keep their precompressed
 * copies: an answer that already has a Content-Encoding is left alone.
 */
export const compressionPlugin = fp(async (app: FastifyInstance) => {
  await app.register(compress, {
    global: true,
    threshold: THRESHOLD_BYTES,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
    zlibOptions: { level: 6 },
  });
});

/** An answer compressed once, for answers served many times between two changes. */
export interface Precompressed {
  type: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

type Effort = 'answer' | 'best';

/** One encoding of a body, off the event loop, at the levels of `effort` (see `precompress`). */
function encode(identity: Buffer, encoding: 'br' | 'gzip', effort: Effort): Promise<Buffer> {
  const best = effort === 'best';
  return encoding === 'gzip'
    ? gzipped(identity, { level: best ? constants.Z_BEST_COMPRESSION : 6 })
    : brotli(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: best ? 9 : 4, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length } });
}

/**
 * Compresses a body once, off the event loop. `best` spends higher levels, worth it for a file read
 * once per process (brotli's highest, 11, would take seconds on a map, keeping its first reader waiting);
 * answers that change use the API's levels.
 */
export async function precompress(body: string | Buffer | ArrayBuffer, type: string, effort: Effort = 'answer'): Promise<Precompressed> {
  const identity = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body as ArrayBuffer);
  const [gz, br] = await Promise.all([encode(identity, 'gzip', effort), encode(identity, 'br', effort)]);
  return { type, identity, gzip: gz, br };
}

/** The encoding a request accepts, brotli first; q=0 refuses one. */
function acceptedEncoding(header: string | undefined): 'br' | 'gzip' | null {
  const accepted = new Set(
    (header ?? '')
      .split(',')
      .map((part) => part.trim().toLowerCase().split(';'))
      .filter(([, q]) => !q || Number(q.trim().replace(/^q=/, '')) > 0)
      .map(([name]) => name),
  );
  return accepted.has('br') ? 'br' : accepted.has('gzip') ? 'gzip' : null;
}

/** Sends a precompressed answer in the encoding the client accepts (the compression hook leaves it alone). */
export function sendPrecompressed(request: FastifyRequest, reply: FastifyReply, body: Precompressed): FastifyReply {
  const encoding = acceptedEncoding(request.headers['accept-encoding']);
  reply.type(body.type).header('vary', 'accept-encoding');
  if (!encoding) return reply.send(body.identity);
  return reply.header('content-encoding', encoding).send(body[encoding]);
}

/**
 * Sends a body made for this request alone, compressed at the API's levels in the encoding the client
 * accepts; `vary` names the request headers it was made from.
 */
export async function sendCompressed(request: FastifyRequest, reply: FastifyReply, body: string, type: string, vary: string[] = []): Promise<FastifyReply> {
  const encoding = acceptedEncoding(request.headers['accept-encoding']);
  reply.type(type).header('vary', ['accept-encoding', ...vary].join(', '));
  const identity = Buffer.from(body, 'utf8');
  if (!encoding || identity.length < THRESHOLD_BYTES) return reply.send(identity);
  const packed = await encode(identity, encoding, 'answer');
  return reply.header('content-encoding', encoding).send(packed);
}
