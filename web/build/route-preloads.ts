import { readFileSync } from 'node:fs';
import type { Plugin, Rollup } from 'vite';
import { AGGREGATION_MEMBERS_URL, DATA_PRELOADS, FIRST_ANSWERS, SESSION_URL, SIGNED_IN_FRONT_DOOR } from '../src/router/dataPreloads';

type OutputChunk = Rollup.OutputChunk;

/** What the server adds to index.html for one page of the SPA: its view's modules and stylesheets, its data. */
export interface RoutePreload {
  /** The router's path, e.g. `/bandi/:id`. */
  path: string;
  modules: string[];
  styles: string[];
  /** API answers the page asks for as it opens (router/dataPreloads.ts). */
  data: readonly string[];
}

/**
 * Every page starts with the session check (router/index.ts): named in index.html itself, it is asked for
 * beside the scripts, its answer is there when they run, and a signed-in page is drawn a round trip sooner.
 */
const preloadTag = (href: string) => `<link rel="preload" as="fetch" crossorigin="anonymous" href="${href}">`;

/** `{ path: '/territorio', ... component: () => import('@/views/TerritoryView.vue') ... }` in the router. */
const LAZY_ROUTE = /path: '([^']+)'[^{}]*?import\('@\/views\/(\w+)\.vue'\)/g;

/**
 * Writes `route-preloads.json`: for each lazily loaded page, the chunks and stylesheets of its view. The
 * server names them in the page's index.html (server/src/plugins/spa.ts), so a visitor landing on
 * /territorio or on a call's page fetches them beside the entry script instead of after it.
 */
export function routePreloads(routerFile: string): Plugin {
  return {
    name: 'cruscotto:route-preloads',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html) =>
        html
          .replace('</head>', `${preloadTag(SESSION_URL)}</head>`)
          // Nothing is drawn before the entry script ran: a page whose answers are written into it
          // (server/src/plugins/first-answers.ts) is drawn whole in its first paint, not after an empty one.
          .replace('<script type="module" crossorigin', '<script type="module" blocking="render" crossorigin'),
    },
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((file): file is OutputChunk => file.type === 'chunk');
      const entry = chunks.find((chunk) => chunk.isEntry)!;
      // index.html already asks for the entry's own imports.
      const known = new Set([entry.fileName, ...entry.imports]);
      const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
      const closure = (chunk: OutputChunk, seen = new Set<string>()): Set<string> => {
        if (seen.has(chunk.fileName) || known.has(chunk.fileName)) return seen;
        seen.add(chunk.fileName);
        for (const name of chunk.imports) closure(byFile.get(name)!, seen);
        return seen;
      };
      const routes: RoutePreload[] = [];
      for (const [, path, view] of readFileSync(routerFile, 'utf8').matchAll(LAZY_ROUTE)) {
        const chunk = chunks.find((c) => c.facadeModuleId?.endsWith(`/src/views/${view}.vue`));
        if (!chunk || path!.includes('(')) continue;
        const files = [...closure(chunk)];
        const styles = new Set(files.flatMap((file) => [...(byFile.get(file)!.viteMetadata?.importedCss ?? [])]));
        routes.push({ path: path!, modules: files.map((f) => `/${f}`), styles: [...styles].map((f) => `/${f}`), data: DATA_PRELOADS[path!] ?? [] });
      }
      for (const [path, data] of Object.entries(DATA_PRELOADS))
        if (!routes.some((route) => route.path === path)) routes.push({ path, modules: [], styles: [], data });
      this.emitFile({ type: 'asset', fileName: 'route-preloads.json', source: JSON.stringify(routes) });
      const firstAnswers = { session: SESSION_URL, aggregationMembers: AGGREGATION_MEMBERS_URL, signedInFrontDoor: SIGNED_IN_FRONT_DOOR, pages: FIRST_ANSWERS };
      this.emitFile({ type: 'asset', fileName: 'first-answers.json', source: JSON.stringify(firstAnswers) });
    },
  };
}
