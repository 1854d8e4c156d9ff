// Flat config. Besides the TypeScript rules it holds the structure in place: no import cycles, sync-server's
// folders importing only downward (the LAYERS below), nothing shipped importing the test tree, the plugin
// using sync-server and local-org only through their package entries. The sf-plugin rules check the
// commands, the Salesforce LWC recommended config the components.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fixupPluginRules } from '@eslint/compat';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';
import sfPlugin from 'eslint-plugin-sf-plugin';
import lwcConfig from '@salesforce/eslint-config-lwc';

const SRC = 'sync-server/src';

/**
 * sync-server's folders (and top-level files), lowest first. A folder may import its own files and those of
 * any row below its own, never one of its row or above: to let a folder use another, move one of them (or
 * the shared part, into lib/) so the user sits higher. Everything under sync-server/src must be listed.
 */
const LAYERS = [
  ['lib', 'domain', 'config', 'logging', 'demo-credentials.ts'],
  ['connect', 'mirror', 'recommend', 'text', 'schedule'],
  ['extract', 'features', 'clean'],
  ['segments', 'writeback'],
  ['churn', 'impact'],
  ['models', 'http'],
  // The model step spread over worker processes through PostgreSQL; the pipeline may call it.
  ['scale'],
  ['evaluate', 'pipeline'],
  ['server.ts', 'index.ts'],
  ['simulate'],
  // The demo shows a replayed quarter from simulate/.
  ['demo.ts'],
];
// The dashboard is browser code served as files: it imports nothing of the engine and nothing imports it.
const APART = ['dashboard'];
// A new folder has to take its place in a row, or lint cannot say what it may import.
const unplaced = readdirSync(join(import.meta.dirname, SRC)).filter((name) => !LAYERS.flat().includes(name) && !APART.includes(name));
if (unplaced.length > 0) throw new Error(`eslint.config.mjs: place ${unplaced.join(', ')} (under ${SRC}) in a row of LAYERS`);

/** One zone per folder: it may not import any folder of its own row or above. */
const layerZones = LAYERS.flatMap((row, level) => row.map((name) => ({
  target: `./${SRC}/${name}`,
  from: LAYERS.slice(level).flat().filter((other) => other !== name).map((other) => `./${SRC}/${other}`),
  message: `sync-server folders import only downward (see LAYERS in eslint.config.mjs): ${name} is on row ${level + 1}.`,
})));

const SHIPPED = ['local-org/src', 'sync-server/src', 'sync-server/bench', 'plugin/src'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'plugin/lib/**', 'sync-server/lib/**', 'local-org/lib/**', '**/dist/**', 'lwc/**', 'force-app/**/lwc/jsconfig.json'] },
  js.configs.recommended,
  // The components follow Salesforce's LWC config below instead.
  ...tseslint.configs.recommended.map((config) => ({ ...config, ignores: ['force-app/**'] })),
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
    // Import boundaries, on the code that ships (tests may reach in anywhere, and following their imports
    // too would double the lint's time). The TypeScript resolver maps the ESM '.js' specifiers onto the .ts sources.
    files: SHIPPED.map((dir) => `${dir}/**/*.ts`),
    plugins: { import: importPlugin },
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import/resolver': { typescript: { project: [join(import.meta.dirname, 'tsconfig.json')] }, node: true },
    },
    rules: {
      'import/no-cycle': ['error', { ignoreExternal: true }],
      'import/no-restricted-paths': ['error', {
        basePath: import.meta.dirname,
        zones: [
          ...layerZones,
          ...APART.map((name) => ({ target: `./${SRC}`, from: `./${SRC}/${name}`, message: `${name} is browser code, apart from the engine.` })),
          { target: SHIPPED.map((dir) => `./${dir}`), from: './test', message: 'Shipped code and benches must not depend on the test tree: move what they need into a module of its own.' },
        ],
      }],
    },
  },
  {
    // Other packages are used through their entries: their insides may move without breaking the users.
    files: ['sync-server/src/**/*.ts', 'sync-server/bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/local-org/src/**', '@reco/local-org/*'], message: 'Import local-org through its index: @reco/local-org.' },
        ],
      }],
    },
  },
  {
    files: ['plugin/src/**/*.ts'],
    rules: {
      // Replaces the rule above for the plugin (a later config wins), so it repeats the local-org pattern.
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/local-org/src/**', '@reco/local-org/*'], message: 'Import local-org through its index: @reco/local-org.' },
          { group: ['**/sync-server/**', '@reco/sync-server/*'], message: 'The plugin uses sync-server only through its entry: @reco/sync-server (sync-server/src/index.ts).' },
        ],
      }],
    },
  },
  // The sf-plugin rules read the plugin's messages/ from the working directory and need type information,
  // so they run in the lint pass made from plugin/ (`npm run lint` makes both passes). The newest release
  // the registry serves predates ESLint 9 (it calls context.getAncestors): fixupPluginRules adapts it.
  ...(basename(process.cwd()) === 'plugin' ? [{
    files: ['plugin/src/**/*.ts'],
    plugins: { 'sf-plugin': fixupPluginRules(sfPlugin) },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      ...sfPlugin.configs.recommended.rules,
      // Every command extends RecoCommand, the plugin's SfCommand that adds the org's error actions and
      // signal cleanup and no flags: SfCommand's own flags reach the commands unchanged.
      'sf-plugin/only-extend-SfCommand': 'off',
      'sf-plugin/spread-base-flags': 'off',
    },
  }] : []),
  {
    // The admin dashboard runs in the browser, with chart.js loaded as a classic script (global Chart). The
    // browser names it uses are listed (the `globals` package is not a dependency of ours).
    files: ['sync-server/src/dashboard/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(['document', 'window', 'fetch', 'sessionStorage', 'Node', 'CustomEvent', 'setTimeout', 'clearTimeout', 'Chart'].map((name) => [name, 'readonly'])),
    },
  },
  // Lightning web components: Salesforce's recommended LWC config, on the components and their jest suites.
  ...lwcConfig.configs.recommended.map((config) => ({ ...config, files: ['force-app/**/*.js'] })),
  {
    // The jest suites run in Node with a DOM (CommonJS require, __dirname), and stand in for the wire
    // adapters by calling them directly, as Salesforce's project template allows in its *.test.js override.
    files: ['force-app/**/__tests__/**/*.js', 'force-app/test/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(['require', 'module', '__dirname', 'process', 'setTimeout', 'document', 'window'].map((name) => [name, 'readonly'])),
    },
    // A suite waits for the event loop to settle (setTimeout), which a component must not do.
    rules: { '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off', '@lwc/lwc/no-async-operation': 'off' },
  },
);
