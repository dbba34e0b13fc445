import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendProblem } from './errors/error-handler.ts';
import { webDistDir } from '../paths.ts';

/** Serves the built SPA and answers unknown API routes with problem+json. */
export const spaPlugin = fp(async (app: FastifyInstance) => {
  const hasSpa = existsSync(join(webDistDir, 'index.html'));
  if (hasSpa) {
    await app.register(fastifyStatic, {
      root: webDistDir,
      wildcard: false,
      index: false,
      // The build writes .br and .gz siblings (web/build/precompress.ts); they are sent as they are.
      preCompressed: true,
      // Otherwise `send` writes its own `public, max-age=0` over the headers set below.
      cacheControl: false,
      setHeaders: (res, path) => {
        // Vite fingerprints everything under assets/, so it can be cached for good.
        if (path.includes('/assets/')) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        else res.setHeader('cache-control', 'no-cache');
      },
    });
  }

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const wantsPage = request.method === 'GET' && !path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path);
    if (hasSpa && wantsPage) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return sendProblem(request, reply, {
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      detail: `Nessuna risorsa corrisponde a ${request.method} ${path}.`,
    });
  });
});
