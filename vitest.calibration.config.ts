import { defineConfig } from 'vitest/config';

/**
 * `npm run test:calibration`: only the KPU-calibration e2e files (test/e2e/calibration-*.test.ts),
 * one at a time, with the same dev server set-up as `npm test` (which runs them too): for
 * re-measuring them alone, e.g. after changing the calibration or the emulated job.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/calibration-*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
