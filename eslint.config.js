// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'fs', 'path', 'os', 'http', 'https', 'http2', 'net', 'crypto', 'child_process', 'stream', 'zlib',
  'url', 'util', 'events', 'worker_threads', 'dns', 'tls', 'readline', 'process', 'timers', 'buffer',
];
const determinism = {
  '@typescript-eslint/no-restricted-imports': ['error', {
    paths: nodeBuiltins.flatMap((m) => [
      { name: m, message: 'Workflow and policy code must be deterministic: no Node built-ins.' },
      { name: `node:${m}`, message: 'Workflow and policy code must be deterministic: no Node built-ins.' },
    ]),
    patterns: [
      { group: ['@aws-sdk/*', '@smithy/*'], message: 'AWS calls belong in activities/.' },
      { group: ['**/activities/**', '../activities/*', '../../activities/*'], allowTypeImports: true, message: 'Workflows import activities as types only.' },
      { group: ['**/config/**', '**/emulator/**', '**/api/**', '**/workers/**'], message: 'Deterministic code imports only pure modules.' },
    ],
  }],
  'no-restricted-globals': ['error',
    { name: 'process', message: 'No environment access in deterministic code.' },
    { name: 'setInterval', message: 'Use Temporal sleep/condition.' },
  ],
  'no-restricted-properties': ['error',
    { object: 'Date', property: 'now', message: 'Time comes from the workflow (or the observation), not Date.now().' },
    { object: 'Math', property: 'random', message: 'Randomness is not deterministic; use the workflow API.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'out/**', 'coverage/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts', 'scaling/**/*.ts'],
    rules: determinism,
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
