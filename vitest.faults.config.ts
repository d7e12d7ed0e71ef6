import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: worker kills, a Temporal restart, emulator faults (test/faults/),
 * with the same dev server set-up as `npm test`. One file at a time: each kills and starts
 * worker processes, which is most of what this 2-core machine can take at once.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts', 'test/e2e/faults-quick.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 900_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
