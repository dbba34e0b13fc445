import { resolve } from 'node:path';
import { PurgeCSS } from 'purgecss';
import type { Plugin as PostcssPlugin } from 'postcss';

const THEME = /styles[\\/]theme\.scss$/;

/**
 * Class names the templates build at run time (`alert-${kind}`, `icon-${size}`) or that Vue and the
 * browser add (router links, transitions): the scan of the sources cannot see them.
 */
const SAFELIST = {
  standard: [/^alert-/, /^icon-/, /^router-link/, /-(enter|leave)-(from|to|active)$/, 'show', 'active', 'disabled', 'is-invalid', 'is-valid', 'was-validated', 'focus--mouse', 'sr-only'],
  // Bootstrap Italia styles focus and state through attribute and pseudo selectors: keep every rule
  // whose other parts are used.
  greedy: [/aria-/, /data-bs-/],
};

/**
 * Drops the Bootstrap Italia rules no source file names (most of its 300 KB of utilities), on the theme
 * stylesheet only: component styles are scoped and already minimal. Build only, so the dev server
 * never hides a class a template just started using.
 */
export function purgeTheme(webRoot: string): PostcssPlugin {
  return {
    postcssPlugin: 'cruscotto:purge-theme',
    async OnceExit(root, { parse }) {
      if (!THEME.test(root.source?.input.file ?? '')) return;
      const [purged] = await new PurgeCSS().purge({
        content: [resolve(webRoot, 'index.html'), resolve(webRoot, 'src/**/*.vue'), resolve(webRoot, 'src/**/*.ts')],
        css: [{ raw: root.toString() }],
        safelist: SAFELIST,
        keyframes: true,
        fontFace: false,
        variables: false,
      });
      root.removeAll();
      root.append(parse(purged!.css, { from: root.source?.input.file }).nodes);
    },
  };
}
