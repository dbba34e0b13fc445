import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The SPA's component tests (tests/web) import .vue files and the web app's `@/` paths.
  plugins: [vue()],
  resolve: { alias: { '@': fileURLToPath(new URL('./web/src', import.meta.url)), '@bi-sprite?url': fileURLToPath(new URL('./tests/web/sprite-stub.ts', import.meta.url)) } },
  test: {
    include: ['tests/**/*.test.ts', 'server/src/**/*.test.ts'],
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './tests/setup/summary-reporter.ts'],
  },
});
