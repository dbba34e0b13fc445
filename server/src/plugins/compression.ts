import { constants } from 'node:zlib';
import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';
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
