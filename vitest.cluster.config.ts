import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the production topology (scripts/cluster/) end to end. No
 * dev-server global set-up: the test starts its own cluster on PostgreSQL.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 600_000,
    hookTimeout: 600_000,
    teardownTimeout: 60_000,
  },
});
