/**
 * Worker processes SIGKILLed at random moments (seeded) while pipelines provision, replay,
 * scale and roll back. `npm run bench:faults` runs the long variant (≥ 20 kills).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { faultContext, withSeed } from './support/context.js';
import { runKillScenario } from './support/kill-scenario.js';
import type { FaultRig } from './support/rig.js';

const rigs: FaultRig[] = [];
afterAll(async () => {
  for (const rig of rigs) await rig.close();
});

describe('a worker SIGKILLed again and again', () => {
  it('one worker, replaced after each kill: every pipeline ends as planned, each scaling change is one call, the replay is whole', { timeout: 900_000 }, async () => {
    const ctx = faultContext('one worker killed repeatedly');
    const rig = await ctx.rig({ emulator: { kinesis: { createStreamMs: 1500, updateShardCountMs: 2500 }, flink: { updateApplicationMs: 1500 } } });
    rigs.push(rig);
    const report = await runKillScenario({
      rig, random: ctx.random, pipelines: 2, kills: 4, cycles: 1, workers: 1, killDelayMs: [2_000, 9_000],
      replaySpeedup: 1800, stepTimeoutMs: 300_000, log: (l) => ctx.lines.push(l),
    });
    expect(report.problems, withSeed(ctx, report.problems)).toEqual([]);
    expect(report.kills).toBeGreaterThanOrEqual(4);
    expect(report.pipelines.length).toBeGreaterThanOrEqual(2);
    for (const p of report.pipelines) {
      expect(p).toMatchObject({ finalPhase: 'DELETED', tripsMissing: 0, shardCalls: [4, 2], parallelismCalls: [2, 3, 2, 1] });
    }
  });

  it('two workers on one task queue, the busy one killed: no action runs twice', { timeout: 900_000 }, async () => {
    const ctx = faultContext('two workers, busy one killed');
    const rig = await ctx.rig({ emulator: { kinesis: { createStreamMs: 1500, updateShardCountMs: 2500 }, flink: { updateApplicationMs: 1500 } } });
    rigs.push(rig);
    const report = await runKillScenario({
      rig, random: ctx.random, pipelines: 1, kills: 2, cycles: 1, workers: 2, killDelayMs: [3_000, 8_000],
      replaySpeedup: 2400, stepTimeoutMs: 300_000, log: (l) => ctx.lines.push(l),
    });
    expect(report.problems, withSeed(ctx, report.problems)).toEqual([]);
    expect(report.kills).toBeGreaterThanOrEqual(2);
    for (const p of report.pipelines) {
      expect(p).toMatchObject({ finalPhase: 'DELETED', tripsMissing: 0, shardCalls: [4, 2], parallelismCalls: [2, 3, 2, 1] });
    }
  });
});
