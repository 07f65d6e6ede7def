// ESLint 9 flat config, run by `npm test` (scripts/run-tests.mjs) and `npm run lint`.
// Formatting is prettier's job (eslint-config-prettier turns the style rules off).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import unicorn from 'eslint-plugin-unicorn';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.cache/**',
      'node_modules/**',
      'test-results/**',
      'bench/results/**',
      // Scratch (git- and prettier-ignored), e.g. main's bundle built aside for bench:sidecar's COMPARE.
      'tmp/**',
      'native-shims/**',
      'redscript-stubs/**',
      'bridge/generated/**',
      'src/protocol/schema.gen.ts',
      'src/merge/progress-proto.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_`-prefixed names are deliberately unused (callback positions, destructuring).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A `let` read by a closure before its one assignment cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // The dashboard's page script runs in the browser.
    files: ['src/server/dash/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // One file-name convention: kebab-case (docs/conventions.md#files).
    files: ['src/**', 'test/**', 'bench/**', 'bridge/**', 'scripts/**', 'bin/**'],
    plugins: { unicorn },
    rules: { 'unicorn/filename-case': ['error', { case: 'kebabCase' }] },
  },
  prettier,
);
