import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { precompress } from './build/precompress';
import { purgeTheme } from './build/purge-theme';
import { icons } from './build/icons';
import { preloadFonts } from './build/preload-fonts';
import { routePreloads } from './build/route-preloads';

const require = createRequire(import.meta.url);
const bootstrapItalia = dirname(require.resolve('bootstrap-italia/package.json'));
// Bootstrap Italia's SCSS imports Splide's sources, which Splide's `exports` do not list.
const splide = resolve(dirname(createRequire(resolve(bootstrapItalia, 'package.json')).resolve('@splidejs/splide')), '../..');

export default defineConfig(({ command }) => ({
  plugins: [
    vue(),
    icons(resolve(bootstrapItalia, 'dist/svg/sprites.svg')),
    preloadFonts(),
    routePreloads(fileURLToPath(new URL('./src/router/index.ts', import.meta.url))),
    precompress(),
  ],
  // No view uses the Options API (every component is <script setup>): Vue leaves its support out of the bundle.
  define: { __VUE_OPTIONS_API__: 'false' },
  resolve: {
    alias: [
      { find: '@bi-fonts', replacement: resolve(bootstrapItalia, 'dist/fonts') },
      { find: '@splidejs/splide/src', replacement: resolve(splide, 'src') },
      { find: /^@shared\/(.*)$/, replacement: fileURLToPath(new URL('../server/src/shared/$1', import.meta.url)) },
      { find: '@labels', replacement: fileURLToPath(new URL('../server/src/shared/labels.ts', import.meta.url)) },
      { find: '@', replacement: fileURLToPath(new URL('./src', import.meta.url)) },
    ],
  },
  css: {
    postcss: { plugins: command === 'build' && !process.env.NO_PURGE ? [purgeTheme(fileURLToPath(new URL('.', import.meta.url)))] : [] },
    preprocessorOptions: {
      // Bootstrap Italia 2.x still uses @import and global functions.
      scss: { quietDeps: true, silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'mixed-decls', 'legacy-js-api'] },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.API_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, assetsInlineLimit: 0, manifest: true },
}));
