// One lint configuration for the server, the tests and the SPA. Formatting is Prettier's job
// (`npm run lint` checks it for server/ and tests/), so no stylistic rules are enabled here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';

/** A feature reaches another only through its front door, `modules/<feature>/index.ts`. */
const throughFrontDoor = (parent) => ({
  regex: `^${parent.replaceAll('.', '\\.')}(?!\\.\\.)[^/]+/(?!index\\.ts$)`,
  message: 'Import another feature only through its index.ts (its front door).',
});
const FRONT_DOOR = { regex: '(^|/)modules/[^/]+/(?!index\\.ts$)', message: 'Import a feature only through modules/<feature>/index.ts.' };
const NO_MODULES = { regex: '(^|/)modules/', message: 'Plugins and shared code never depend on a feature: features depend on them.' };
/** Schemas are written with the bounded `Type` (every string, number, array and object has limits, as the AgID guidelines ask). */
const BOUNDED_TYPE = {
  name: '@sinclair/typebox',
  importNames: ['Type'],
  message: "Import Type from server/src/shared/schema.ts: it bounds strings, numbers, arrays and objects by default.",
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'web/dist/**', 'web/src/api/schema.d.ts', 'test-artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/essential'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Migrations are frozen in time and typed `Kysely<any>` on purpose (STYLE.md); the migrator that
    // runs them and the seeds that write through the same untyped handle follow suit.
    files: ['migrations/**/*.ts', 'server/src/plugins/db/migrator.ts', 'seeds/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Finding control characters is what these files are for.
    files: ['server/src/shared/control-characters.ts', 'server/src/modules/alerts/feeds.ical.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    files: ['server/src/modules/*/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [BOUNDED_TYPE], patterns: [throughFrontDoor('../'), NO_MODULES_BUT_OWN()] }] },
  },
  {
    files: ['server/src/modules/*/*/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [BOUNDED_TYPE], patterns: [throughFrontDoor('../../')] }] },
  },
  {
    files: ['server/src/plugins/**/*.ts', 'server/src/shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [BOUNDED_TYPE], patterns: [NO_MODULES] }] },
  },
  {
    // Where the bounded Type is made from TypeBox's own.
    files: ['server/src/shared/schema.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_MODULES] }] },
  },
  {
    files: ['server/src/*.ts', 'server/src/cli/**/*.ts', 'server/src/types/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [BOUNDED_TYPE], patterns: [FRONT_DOOR] }] },
  },
  {
    // A view or component asks the composable of its feature (web/src/composables/calls.ts, alerts.ts...)
    // for data; only the composables talk to the API client. Its types and ApiError stay importable.
    files: ['web/src/views/**', 'web/src/components/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@/api/client', importNames: ['api', 'unwrap', 'csrf'], message: 'Get data through the feature composable in web/src/composables/, not the API client.' }] }],
    },
  },
);

/** From a feature's own folder, `../../modules/<other>/...` is another way into another feature. */
function NO_MODULES_BUT_OWN() {
  return { regex: '^\\.\\./\\.\\./modules/', message: 'Import another feature as ../<feature>/index.ts.' };
}
