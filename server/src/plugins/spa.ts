import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendCompressed } from './compression.ts';
import { firstAnswersOf, readFirstAnswersPlan } from './first-answers.ts';
import { sendProblem } from './errors/error-handler.ts';
import { webDistDir } from '../paths.ts';

interface RoutePreload {
  path: string;
  modules: string[];
  styles: string[];
  /** API answers the page fetches as it opens: same origin, with the visitor's cookies. */
  data?: string[];
}

/**
 * index.html for each page: a page whose view the SPA loads lazily (written by web/build/route-preloads.ts)
 * names that view's modules and stylesheets, and the API answers it opens with, so the browser fetches
 * them beside the entry script.
 */
function pagesOf(dist: string): (path: string, query: string) => string {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const file = join(dist, 'route-preloads.json');
  const routes = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RoutePreload[]) : [];
  const withLinks = (links: string[]) => html.replace('</head>', `${links.join('')}</head>`);
  const pages = routes.map((route) => {
    const code = [
      ...route.modules.map((href) => `<link rel="modulepreload" crossorigin href="${href}">`),
      ...route.styles.map((href) => `<link rel="preload" as="style" crossorigin href="${href}">`),
    ];
    const data = (route.data ?? []).map((href) => `<link rel="preload" as="fetch" crossorigin="anonymous" href="${href}">`);
    const pattern = new RegExp(`^${route.path.replace(/:[a-zA-Z]+/g, '[^/]+')}/?$`);
    return { pattern, html: withLinks([...code, ...data]), filtered: withLinks(code) };
  });
  // A page opened with filters in its query asks for other answers than the preloaded ones.
  return (path, query) => {
    const page = pages.find((candidate) => candidate.pattern.test(path));
    return page ? (query ? page.filtered : page.html) : html;
  };
}

/** Serves the built SPA and answers unknown API routes with problem+json. */
export const spaPlugin = fp(async (app: FastifyInstance) => {
  const hasSpa = existsSync(join(webDistDir, 'index.html'));
  const pageFor = hasSpa ? pagesOf(webDistDir) : null;
  const plan = hasSpa ? readFirstAnswersPlan(webDistDir) : null;
  const answersFor = plan ? firstAnswersOf(app, plan) : null;
  // Written into the page, the session check needs no request of its own.
  const sessionPreload = plan ? `<link rel="preload" as="fetch" crossorigin="anonymous" href="${plan.session}">` : '';
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

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const wantsPage = request.method === 'GET' && !path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path);
    if (pageFor && wantsPage) {
      const query = request.url.slice(path.length + 1);
      const { script, signedIn } = answersFor ? await answersFor(request, path, query) : { script: '', signedIn: false };
      const html = pageFor(path, query).replace(sessionPreload, '').replace('</head>', `${script}</head>`);
      // Made for each request (the API's compression does not reach this handler). A signed-in visitor's
      // page carries their data: no cache keeps it.
      reply.header('cache-control', signedIn ? 'private, no-store' : 'no-cache');
      return sendCompressed(request, reply, html, 'text/html; charset=utf-8', ['cookie']);
    }
    return sendProblem(request, reply, {
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      detail: `Nessuna risorsa corrisponde a ${request.method} ${path}.`,
    });
  });
});
