import { defineConfig } from 'vitest/config';

/**
 * `npm run test:calibration`: the KPU-calibration e2e files (test/e2e/calibration-*.test.ts),
 * one at a time, with the same dev server set-up as `npm test`. Kept out of `npm test` while
 * a heavily loaded 2-core machine starves its load generator and emulated job (README, Calibrate).
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
