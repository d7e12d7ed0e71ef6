/**
 * AWS faults at a rate (throttling, 500s before and after applying, slow answers), final
 * answers (a spent quota — worked around with SplitShard —, an invalid argument) and resources stuck UPDATING.
 * `npm run bench:faults` runs it again at a higher rate.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { faultContext, withSeed } from './support/context.js';
import { runEmulatorFaultScenario } from './support/emulator-faults-scenario.js';
import type { FaultRig } from './support/rig.js';

let rig: FaultRig | undefined;
afterAll(async () => {
  await rig?.close();
});

describe('AWS faults injected by the emulator', () => {
  it('retries what AWS says to retry, stops where it says not to, and leaves no pipeline half-changed', { timeout: 900_000 }, async () => {
    const ctx = faultContext('emulator faults');
    rig = await ctx.rig({ emulator: { kinesis: { updateShardCountMs: 1500 }, flink: { updateApplicationMs: 1000 } } });
    const report = await runEmulatorFaultScenario({ rig, random: ctx.random, rate: 0.15, slowMs: 1500, replaySpeedup: 2400, stepTimeoutMs: 300_000 });
    expect(report.problems, withSeed(ctx, report.problems)).toEqual([]);
    expect(report.cases.map((c) => c.name).sort()).toEqual(['app-stuck', 'invalid-argument', 'quota-refused', 'rates', 'stream-stuck']);
    const byName = Object.fromEntries(report.cases.map((c) => [c.name, c]));
    expect(byName.rates).toMatchObject({ phase: 'RUNNING', finalPhase: 'DELETED', calls: { UpdateShardCount: 2, UpdateApplication: 2 } });
    expect(byName['quota-refused']).toMatchObject({ phase: 'RUNNING', finalPhase: 'DELETED', calls: { UpdateShardCount: 0, UpdateApplication: 1 } });
    expect(byName['invalid-argument']).toMatchObject({ phase: 'RUNNING', finalPhase: 'DELETED', calls: { UpdateApplication: 0 } });
    expect(byName['stream-stuck']).toMatchObject({ phase: 'DEGRADED', finalPhase: 'DELETED', calls: { UpdateShardCount: 1, UpdateApplication: 0 } });
    expect(byName['app-stuck']).toMatchObject({ phase: 'RUNNING', finalPhase: 'DELETED', calls: { UpdateApplication: 1, RollbackApplication: 1 } });
    // The background faults did hit: retried calls are in the log.
    expect(report.injected.InternalFailure ?? 0).toBeGreaterThan(0);
    expect((report.injected.ThrottlingException ?? 0) + (report.injected.LimitExceededException ?? 0)).toBeGreaterThan(0);
  });
});
