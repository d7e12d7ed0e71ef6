import { defineConfig } from 'vitest/config';

/**
 * `npm run test:calibration`: the KPU-calibration e2e files (test/e2e/calibration-*.test.ts),
 * one at a time, with the same dev server set-up as `npm test`. Kept out of `npm test`: they
 * measure rates with the machine's CPU, and a loaded 2-core machine still fails them now and
 * then (README, Calibrate).
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
