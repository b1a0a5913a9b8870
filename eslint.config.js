import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** Heavy engines are loaded only inside workers (and db/, which runs inside the catalog worker). */
const engines = ['sql.js', '@ffmpeg/*', 'mediabunny', '@huggingface/transformers', 'onnxruntime-web'];
const restrict = (patterns) => [
  'error',
  {
    patterns: patterns.map((group) => ({
      group: [group],
      message: 'Dependencies run one way: components → state → workers/db → lib.',
    })),
  },
];

export default ts.config(
  { ignores: ['dist/', 'dev-dist/', 'node_modules/', 'tests/fixtures/', '.bench/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node, __APP_VERSION__: 'readonly', __FF_DEBUG__: 'readonly' },
      parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, svelteConfig } },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...ts.configs.disableTypeChecked,
  },
  {
    files: ['src/components/**', 'src/state/**', 'src/main.ts'],
    rules: { 'no-restricted-imports': restrict([...engines, '**/db/*']) },
  },
  {
    files: ['src/lib/**'],
    rules: {
      'no-restricted-imports': restrict([
        ...engines,
        '**/state/*',
        '**/components/*',
        '**/workers/*',
        '**/db/*',
        'svelte',
        'svelte/*',
      ]),
    },
  },
  {
    // The pipeline gets its workers and catalog as tools from state/pipeline.ts: it may name their types only.
    files: ['src/indexing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...[...engines, '**/state/*', '**/components/*', 'svelte', 'svelte/*'].map((group) => ({
              group: [group],
              message: 'Stages get what they use as tools (state/pipeline.ts wires them).',
            })),
            {
              group: ['**/workers/*', '**/db/*'],
              allowTypeImports: true,
              message: 'Stages get workers and the catalog as tools (state/pipeline.ts wires them); types only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/db/**'],
    rules: { 'no-restricted-imports': restrict(['**/state/*', '**/components/*', 'svelte', 'svelte/*']) },
  },
);
