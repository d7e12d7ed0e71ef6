import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/** `npm run record:histories`: the same dev server and bundle set-up as `npm test`, only the recorder. */
export default defineConfig({
  test: {
    root: resolve(import.meta.dirname, '../..'),
    include: ['test/histories/record.histories.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 900_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
