import { defineConfig } from 'vitest/config';

/**
 * `npm run test:calibration`: the KPU-calibration e2e alone, with the same dev server set-up as
 * `npm test`. It is kept out of `npm test` until its ParallelismPerKPU comparison is reliable on
 * this 2-core machine (README, Calibrate).
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
