// One lint setup for every workspace: typescript-eslint's recommended rules, Vue's for .vue files.
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import vueParser from 'vue-eslint-parser';

/** Server features holding domain data or rules, as opposed to the stream, the log, auth and infrastructure. */
const DOMAIN = [
  'activities',
  'boards',
  'deals',
  'demo',
  'displays',
  'exchange-rates',
  'health',
  'ingest',
  'kpis',
  'leads',
  'org',
  'quotas',
  'snapshot',
  'stages',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '.data/**', 'e2e/test-results/**', 'e2e/artifacts/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  // Module boundaries: an import cycle fails the build, so modules meet through the event bus or
  // an injected interface instead of a ModuleRef lookup. Sources import `x.js`, meaning `x.ts`.
  {
    files: ['server/src/**/*.ts', 'shared/src/**/*.ts', 'client/src/**/*.{ts,vue}'],
    plugins: { 'import-x': importX },
    settings: {
      // .vue files are not followed: their <script> would need the Vue parser set up twice over.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.js', '.vue', '.json'],
          extensionAlias: { '.js': ['.ts', '.js'] },
          alias: { '@': [fileURLToPath(new URL('./client/src', import.meta.url))] },
        }),
      ],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  // Layers of the server: a regression fails npm run lint.
  {
    files: ['server/src/**/*.ts'],
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: fileURLToPath(new URL('.', import.meta.url)),
          zones: [
            {
              target: './server/src/live/**',
              from: `./server/src/{${DOMAIN.join(',')}}/**`,
              message: 'the live stream knows no domain module: hear it on the bus (AppEvents) or receive it through an interface token (SNAPSHOT_SOURCE)',
            },
            {
              target: './server/src/{auth,displays}/**',
              from: './server/src/live/**',
              message: 'a revocation or a TV scope change is an event on the bus (principal.revoked, display.scopesChanged) that the live module hears',
            },
            {
              // org is the one other caller: a rep's move pins their closed deals in the same
              // transaction (org.repository.ts beforeRepsMove, shared by PATCH /api/reps and the reps import).
              target: `./server/src/{${[...DOMAIN.filter((feature) => feature !== 'deals' && feature !== 'org'), 'auth', 'events', 'live', 'common'].join(',')}}/**`,
              from: './server/src/deals/deals.repository.ts',
              message: 'deals are written through DealCommands (deals/deal-commands.service.ts), which keeps their invariants; the repository is its alone',
            },
            {
              target: './server/src/events/**',
              from: `./server/src/{${[...DOMAIN, 'auth', 'live'].join(',')}}/**`,
              message: 'the event log knows no principals and no feature: it records a Caller (common/caller.ts) and announces commits on the bus',
            },
            {
              // The schema's entities are the one thing data-source.ts must list.
              target: './server/src/{common,config,database,observability}/**',
              from: `./server/src/{${[...DOMAIN, 'auth', 'events', 'live'].join(',')}}/**`,
              except: ['**/*.entity.ts', '**/*.entities.ts'],
              message: 'infrastructure knows no feature: the feature registers itself (as live-metrics.ts does) or listens on the bus',
            },
          ],
        },
      ],
    },
  },
);
