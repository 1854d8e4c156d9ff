// Flat config: the Salesforce lint packages the plugin template names are not served by our registry
// (see ../shared/conventions.md §7.4), so the rules they enforce that matter are set here by hand.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/lib/**', '**/dist/**', 'lwc/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The admin dashboard runs in the browser, with chart.js loaded as a classic script (global Chart). The
    // browser names it uses are listed (the `globals` package is not a dependency of ours).
    files: ['sync-server/src/dashboard/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(['document', 'window', 'fetch', 'sessionStorage', 'Node', 'CustomEvent', 'setTimeout', 'clearTimeout', 'Chart'].map((name) => [name, 'readonly'])),
    },
  },
);
