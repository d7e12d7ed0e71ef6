import { configDefaults, defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/support/slow-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The production-topology e2e needs the Temporal server build (npm run test:cluster).
    // The calibration e2e (test/e2e/calibration-*.test.ts) runs here: the sequencer starts it
    // beside teardown-bound, which mostly waits (README, Tests).
    // The fault suite is its own command (npm run test:faults), its quick variant too: the stalled
    // workflow task a fresh-clone run found is explained and fixed (README, Faults), but its 2-4 min
    // do not fit the CI budget beside today's ~13 min of npm test (README, Tests). The aws-profile
    // conformance run takes minutes by nature (npm run test:aws-profile).
    exclude: [...configDefaults.exclude, 'test/cluster/**', 'test/faults/**', 'test/e2e/faults-quick.test.ts', 'test/conformance/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Temporal Workers load a native runtime: separate processes, not threads.
    pool: 'forks',
    // Two cores serve the dev server, the Workers and the test files at once.
    maxWorkers: 2,
    // A fresh clone has no durations cache: start the long files first so none runs alone at the end.
    sequence: { sequencer: SlowFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
