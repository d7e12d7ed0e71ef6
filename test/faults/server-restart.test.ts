/**
 * The Temporal dev server stopped mid-action and started again on the same SQLite file
 * (its own server: the run's shared one is in memory and serves other files).
 */
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { faultContext, withSeed } from './support/context.js';
import { runServerRestartScenario } from './support/server-restart-scenario.js';

describe('Temporal restarted under a running pipeline', () => {
  it('resumes the action and the replay; the API answers 503 with Retry-After meanwhile and recovers by itself', { timeout: 900_000 }, async () => {
    const ctx = faultContext('Temporal restart');
    const report = await runServerRestartScenario({
      bundlePath: inject('workflowBundlePath'), random: ctx.random, restarts: 1, downMs: 15_000, replaySpeedup: 1800, stepTimeoutMs: 300_000,
      log: (line) => {
        ctx.lines.push(line);
        process.stdout.write(`[faults] ${line}\n`);
      },
    });
    expect(report.problems, withSeed(ctx, report.problems)).toEqual([]);
    expect(report.unavailableWithoutRetryAfter).toBe(0);
    // Visibility has no cache: while the server is away the list is a 503 (with Retry-After).
    expect(report.answersWhileDown['GET /pipelines 503'] ?? 0).toBeGreaterThan(0);
    expect(report.answersWhileDown['GET /pipelines 200'] ?? 0).toBe(0);
    expect(report.apiRecoverySeconds).toHaveLength(1);
    expect(report.workerRestarts).toBe(0);
  });
});
