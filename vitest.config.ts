import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';
import { icons } from './web/build/icons';

const sprite = resolve(dirname(createRequire(resolve('web/package.json')).resolve('bootstrap-italia/package.json')), 'dist/svg/sprites.svg');

export default defineConfig({
  // The SPA's component tests (tests/web) import .vue files and the web app's `@/` paths.
  plugins: [vue(), icons(sprite)],
  resolve: {
    alias: [
      { find: /^@shared\/(.*)$/, replacement: fileURLToPath(new URL('./server/src/shared/$1', import.meta.url)) },
      { find: '@labels', replacement: fileURLToPath(new URL('./server/src/shared/labels.ts', import.meta.url)) },
      { find: '@', replacement: fileURLToPath(new URL('./web/src', import.meta.url)) },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts', 'server/src/**/*.test.ts'],
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most files wait on PostgreSQL, SMTP or Chromium rather than compute: two run side by side even on
    // two cores (vitest's default there is one).
    maxWorkers: 2,
    reporters: ['default', './tests/setup/summary-reporter.ts'],
  },
});
