import { defineConfig } from 'vitest/config';

/**
 * `npm run test:aws-profile`: issue 12's conformance run — the workflow e2e scenarios under the
 * emulator's `aws` profile (real 60 s CloudWatch periods, publication delay, API rates). It runs
 * for minutes by nature (each scaling decision waits for published minutes), so it is kept out
 * of `npm test`; emulator/README.md reports its last result.
 */
export default defineConfig({
  test: {
    include: ['test/conformance/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 900_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
