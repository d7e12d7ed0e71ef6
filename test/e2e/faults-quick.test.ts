/**
 * The fault suite's quick variant, part of `npm test`: a worker SIGKILLed a few times under
 * a pipeline that scales, rolls back and replays; the Temporal dev server restarted once on
 * its SQLite file; AWS faults at a rate (throttling, 500s before and after applying, slow
 * answers) under a scale-up and -down. The three run side by side (each on its own task
 * queue, emulator and — for the restart — server) to keep the wall time near two minutes.
 * The long variants: `npm run test:faults` (test/faults/) and `npm run bench:faults`.
 * Outcomes only, never durations; a failure names the seed that repeats it (FAULTS_SEED).
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { faultContext, withSeed } from '../faults/support/context.js';
import { runEmulatorFaultScenario } from '../faults/support/emulator-faults-scenario.js';
import { runKillScenario } from '../faults/support/kill-scenario.js';
import type { FaultRig } from '../faults/support/rig.js';
import { runServerRestartScenario } from '../faults/support/server-restart-scenario.js';

const rigs: FaultRig[] = [];
afterAll(async () => {
  for (const rig of rigs) await rig.close();
});

describe.concurrent('faults, quick variant', () => {
  it('a worker SIGKILLed 3 times: the pipeline ends as planned, each scaling change is one call, the replay is whole', { timeout: 420_000 }, async () => {
    const ctx = faultContext('quick: worker killed 3 times');
    const rig = await ctx.rig({ emulator: { kinesis: { createStreamMs: 1500, updateShardCountMs: 2500 }, flink: { updateApplicationMs: 1500 } } });
    rigs.push(rig);
    const report = await runKillScenario({
      rig, random: ctx.random, pipelines: 1, kills: 3, cycles: 1, workers: 1, killDelayMs: [5_000, 15_000],
      replaySpeedup: 2400, stepTimeoutMs: 300_000, log: (l) => ctx.lines.push(l),
    });
    expect(report.problems, withSeed(ctx, report.problems)).toEqual([]);
    expect(report.kills).toBeGreaterThanOrEqual(3);
    expect(report.pipelines.length).toBeGreaterThanOrEqual(1);
    for (const p of report.pipelines) {
      expect(p).toMatchObject({ finalPhase: 'DELETED', tripsMissing: 0, shardCalls: [4, 2], parallelismCalls: [2, 3, 2, 1] });
    }
  });

  it('Temporal restarted once mid-action: the action and replay resume, the API answers 503 with Retry-After and recovers by itself', { timeout: 420_000 }, async () => {
    const ctx = faultContext('quick: Temporal restart');
    const report = await runServerRestartScenario({
      bundlePath: inject('workflowBundlePath'), random: ctx.random, restarts: 1, downMs: 8_000, replaySpeedup: 2400, stepTimeoutMs: 300_000,
      log: (line) => ctx.lines.push(line),
    });
    expect(report.problems, withSeed(ctx, report.problems)).toEqual([]);
    expect(report.unavailableWithoutRetryAfter).toBe(0);
    expect(report.answersWhileDown['GET /pipelines 503'] ?? 0).toBeGreaterThan(0);
    expect(report.apiRecoverySeconds).toHaveLength(1);
    expect(report.workerRestarts).toBe(0);
  });

  it('AWS faults on 15 % of calls: scales up and down, every change one applied call, nothing half-changed', { timeout: 420_000 }, async () => {
    const ctx = faultContext('quick: AWS faults at 15 %');
    const rig = await ctx.rig({ emulator: { kinesis: { updateShardCountMs: 1500 }, flink: { updateApplicationMs: 1000 } } });
    rigs.push(rig);
    const report = await runEmulatorFaultScenario({
      rig, random: ctx.random, rate: 0.15, slowMs: 1500, replaySpeedup: 2400, stepTimeoutMs: 300_000, cases: ['rates'],
    });
    expect(report.problems, withSeed(ctx, report.problems)).toEqual([]);
    expect(report.cases.map((c) => c.name)).toEqual(['rates']);
    expect(report.cases[0]).toMatchObject({ phase: 'RUNNING', finalPhase: 'DELETED', calls: { UpdateShardCount: 2, UpdateApplication: 2 } });
    expect(report.injected.InternalFailure ?? 0).toBeGreaterThan(0);
  });
});
