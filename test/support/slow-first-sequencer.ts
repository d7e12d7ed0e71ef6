/**
 * Runs the slowest test files first. Vitest orders files by their last durations when it has
 * them, but a fresh clone (CI) has none and falls back to file size: then teardown-bound, a
 * small file that waits over two minutes by nature, started last and ran alone for its whole
 * length (about 150 s of a 500 s run with two files at a time). Files named here start first,
 * in this order; every other file keeps vitest's own order after them.
 *
 * The list is the longest files of a fresh-clone run (2026-12-01, each over 20 s); a file
 * missing from it only costs time, never correctness.
 */
import { relative, sep } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const SLOWEST_FIRST = [
  'test/e2e/teardown-bound.test.ts',
  // The KPU-calibration e2e measure rates with the machine's CPU (about 0.3-0.5 of a core for
  // the test process, the emulated job and the load together). Started right after
  // teardown-bound, they run one after another on the other lane while it mostly waits out its
  // bound (128 s): together about as long, so they neither share the CPU with a busy file
  // nor leave a lane idle.
  'test/e2e/calibration-io.test.ts',
  'test/e2e/calibration-cpu.test.ts',
  'test/e2e/calibration-cancel.test.ts',
  // About 2 minutes (3 kills, a Temporal restart, AWS faults side by side; added after that run).
  'test/e2e/scaling-replay.test.ts',
  'test/foundation/stack.test.ts',
  'test/dashboard/browser.test.ts',
  'test/replay/workflow.test.ts',
  'test/e2e/scaling-load.test.ts',
  'test/workflows/scaling/saga.test.ts',
  'test/e2e/no-secrets.test.ts',
  'test/api/contract-fuzz.test.ts',
  'test/upgrades/worker-upgrade.test.ts',
  'test/e2e/scaling-crash.test.ts',
  'test/e2e/provisioning-crash.test.ts',
  'test/workers/main.test.ts',
  'test/e2e/scaling-override.test.ts',
  'test/e2e/long-lived.test.ts',
  'test/workers/observability.test.ts',
];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const index = SLOWEST_FIRST.indexOf(relative(this.ctx.config.root, spec.moduleId).split(sep).join('/'));
      return index === -1 ? SLOWEST_FIRST.length : index;
    };
    // Array.prototype.sort is stable: files outside the list keep vitest's order.
    return [...base].sort((a, b) => rank(a) - rank(b));
  }
}
