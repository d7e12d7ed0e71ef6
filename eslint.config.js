// @ts-check
import { dirname, relative, resolve } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Architecture boundaries, checked on every import (also type-only and re-exports): a
 * relative import resolved from the importing file must land inside one of `allow`
 * (folders or files, relative to the repository root, without extension). Package
 * imports are not this rule's business.
 */
const importBoundary = {
  meta: { type: 'problem', schema: [{ type: 'object', properties: { allow: { type: 'array', items: { type: 'string' } }, why: { type: 'string' } } }] },
  create(context) {
    const { allow, why } = context.options[0];
    const root = import.meta.dirname;
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = relative(root, resolve(dirname(context.filename), source)).replace(/\\/g, '/').replace(/\.(js|ts)$/, '');
      const inside = allow.some((a) => target === a || target.startsWith(`${a}/`));
      if (!inside) context.report({ node: node.source, message: `${source} is outside what this folder may import (${allow.join(', ')}): ${why}` });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};
const boundaries = { plugins: { shardpilot: { rules: { 'import-boundary': importBoundary } } } };

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
  { ignores: ['node_modules/**', '.data/**', 'out/**', 'dist/**', 'coverage/**', 'bench/out/**'] },
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
    // The API talks to workflows only through their public contract (messages, search attributes, summaries).
    files: ['api/**/*.ts'],
    ...boundaries,
    rules: {
      'shardpilot/import-boundary': ['error', {
        allow: ['api', 'model', 'config', 'scaling', 'workflows/contract'],
        why: 'the API imports only workflows/contract.ts from workflows/ (and pure model/config/scaling modules)',
      }],
    },
  },
  {
    // The emulator stands alone (it could ship as its own package). Its process entry point
    // (main.ts) alone reads the shared configuration, which is the one module that reads the environment.
    files: ['emulator/**/*.ts'],
    ignores: ['emulator/main.ts'],
    ...boundaries,
    rules: {
      'shardpilot/import-boundary': ['error', { allow: ['emulator'], why: 'emulator/ imports nothing outside emulator/' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The dashboard's plain browser modules (served as they are, no build step).
    files: ['api/dashboard/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries([
        'document', 'window', 'location', 'history', 'sessionStorage', 'fetch', 'confirm', 'setTimeout', 'clearTimeout',
        'URLSearchParams', 'HTMLElement', 'Intl', 'CSS',
      ].map((name) => [name, 'readonly'])),
    },
  },
);
