import type { Plugin } from 'vite';

/**
 * The Titillium weights the first screen of every page draws with (body, headings, the header's title), in
 * their Latin cut (web/src/styles/fonts.css): the full files are asked for only by a page that needs them.
 */
const FIRST_SCREEN_FONTS = /^titillium-web-latin-(300|regular|600|700)\.woff2$/;

/**
 * Asks for the text fonts from index.html, beside the scripts, instead of after the stylesheet is
 * parsed: they arrive before the first page is drawn, so the text is not drawn again in another font
 * (a layout shift that moved the front door's comune picker).
 */
export function preloadFonts(): Plugin {
  return {
    name: 'cruscotto:preload-fonts',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        return Object.values(bundle ?? {})
          .filter((file) => file.type === 'asset' && file.names.some((name) => FIRST_SCREEN_FONTS.test(name)))
          .map((file) => ({ tag: 'link', attrs: { rel: 'preload', as: 'font', type: 'font/woff2', href: `/${file.fileName}`, crossorigin: '' }, injectTo: 'head' as const }));
      },
    },
  };
}
