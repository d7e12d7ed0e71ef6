/**
 * The review's fixes to `adaptive` (issue 16), each pinned: the parallelism cap uses the
 * shard count the decision really reaches; a lowered limit never turns a scale-out into
 * a cut; after an override outside the bounds the policy returns in AWS-legal steps; and
 * missing lag data blocks scale-in.
 */
import { describe, expect, it } from 'vitest';
import { adaptivePolicy as policy, type AdaptiveState } from '../../scaling/policies/adaptive.js';
import { shardRange } from '../../scaling/policies/common.js';
import type { Capacity, MetricsSample, Observation, PolicyConfig, ScalingTarget } from '../../scaling/types.js';
import { T0, config, observation, sample } from './helpers.js';

type Period = Partial<MetricsSample> & { rate?: number };

function period(t: number, p: number, { rate = 3000, ...rest }: Period = {}): MetricsSample {
  const processed = rest.numRecordsInPerSecond ?? rate;
  return sample(t, {
    incomingRecords: rate * 60,
    incomingBytes: rate * 60 * 350,
    writeProvisionedThroughputExceeded: 0,
    millisBehindLatest: 0,
    iteratorAgeMs: 0,
    numRecordsInPerSecond: processed,
    cpuUtilization: Math.min(100, (100 * processed) / (p * 4400)),
    ...rest,
  });
}

/** Ticks once a minute with one new period; returns every scaling decision's target (capacity is not applied). */
function targets(minutes: number, capacity: Partial<Capacity>, shape: (i: number) => Period, c: PolicyConfig, extra: Partial<Observation> = {}) {
  let state: AdaptiveState = policy.initialState(c);
  const cap = { shards: 8, parallelism: 1, parallelismPerKpu: 1, ...capacity };
  const out: Array<{ minute: number; target: ScalingTarget; reasons: string[] }> = [];
  for (let i = 0; i < minutes; i++) {
    const t = T0 + i * 60;
    const r = policy.decide(state, observation(t + 120, [period(t, cap.parallelism, shape(i))], cap, extra), c);
    state = r.nextState;
    if (r.decision.kind === 'scale') out.push({ minute: i, target: r.decision.target, reasons: r.decision.reasons });
  }
  return out;
}

/** Demand far above capacity: producers throttled, the job saturated with a growing lag. */
const overload = (p: number) => (i: number): Period => ({
  rate: 3900,
  writeProvisionedThroughputExceeded: 12_000 * 60,
  numRecordsInPerSecond: p * 1000,
  cpuUtilization: 100,
  millisBehindLatest: 20_000 + 10_000 * i,
});

describe('adaptive: the parallelism cap uses the shard count the decision will really have', () => {
  it('with the UpdateShardCount quota used up, Flink grows only to shards × subtasks-per-shard', () => {
    const used = Array.from({ length: 10 }, (_, i) => T0 - 3600 + i * 60);
    // A heavy job (1,000 records/s per parallelism): the plan wants far more than 4.
    const c = config({ subtasksPerShard: 1, recordsPerSecondPerParallelism: 1000 });
    const all = targets(5, { shards: 4, parallelism: 2 }, overload(2), c, { shardUpdateTimes: used });
    expect(all.length).toBeGreaterThan(0);
    for (const d of all) {
      expect(d.target.shards).toBeUndefined();
      expect(d.target.parallelism ?? 2).toBeLessThanOrEqual(4);
    }
    expect(all[0]!.target.parallelism).toBe(4);
    expect(all[0]!.reasons.join(' ')).toMatch(/capped at 4: 4 shards × 1/);
  });

  it('after the 2× rule: 4 shards can reach 8, so parallelism stops at 8 even when the plan wants more', () => {
    const c = config({ subtasksPerShard: 1, recordsPerSecondPerParallelism: 1000 });
    const [first] = targets(3, { shards: 4, parallelism: 2 }, () => ({
      rate: 3900, writeProvisionedThroughputExceeded: 16_000 * 60, numRecordsInPerSecond: 2000, cpuUtilization: 100, millisBehindLatest: 30_000,
    }), c);
    expect(first!.target.shards).toBe(8);
    expect(first!.target.parallelism).toBe(8);
  });

  it('never plans a shard scale-in below what the parallelism needs', () => {
    // Quiet stream (few records) but a heavy job needing parallelism 6: the stream keeps ≥ 6 shards.
    const c = config({ subtasksPerShard: 1, recordsPerSecondPerParallelism: 100 });
    const all = targets(90, { shards: 12, parallelism: 6 }, () => ({ rate: 450, numRecordsInPerSecond: 450, cpuUtilization: 75 }), c);
    for (const d of all) if (d.target.shards !== undefined) expect(d.target.shards).toBeGreaterThanOrEqual(Math.ceil((d.target.parallelism ?? 6) / 1));
  });
});

describe('adaptive: lowering a limit never turns a scale-out into a cut', () => {
  it('Flink at 6 under load with maxParallelism lowered to 4 stays at 6', () => {
    const c: PolicyConfig = { ...config(), limits: { ...config().limits, maxParallelism: 4 } };
    const all = targets(10, { shards: 16, parallelism: 6 }, () => ({
      rate: 15_000, numRecordsInPerSecond: 6 * 2400, cpuUtilization: 100, millisBehindLatest: 40_000,
    }), c);
    for (const d of all) expect(d.target.parallelism ?? 6).toBeGreaterThanOrEqual(6);
  });

  it('a throttled stream at 12 shards with maxShards lowered to 8 is not cut', () => {
    const c: PolicyConfig = { ...config(), limits: { ...config().limits, maxShards: 8 } };
    const all = targets(10, { shards: 12, parallelism: 4 }, () => ({ rate: 12_000, writeProvisionedThroughputExceeded: 3000 * 60 }), c);
    for (const d of all) expect(d.target.shards ?? 12).toBeGreaterThanOrEqual(12);
  });
});

describe('adaptive: after an override outside the bounds it returns within them in AWS-legal steps', () => {
  it('shardRange steps by at most ½ or 2× towards the bounds', () => {
    const limits = config().limits; // 1…16 shards
    expect(shardRange(40, limits)).toEqual({ min: 20, max: 20 });
    expect(shardRange(20, limits)).toEqual({ min: 16, max: 16 });
    expect(shardRange(1, { ...limits, minShards: 5 })).toEqual({ min: 2, max: 2 });
    expect(shardRange(8, limits)).toEqual({ min: 4, max: 16 });
  });

  it('40 shards and parallelism 40 on a quiet stream: 40 → 20 shards (½), parallelism to ≤ 32', () => {
    // subtasksPerShard 2: parallelism 32 fits on 16 shards, so the ½ step is what limits the shards.
    const all = targets(5, { shards: 40, parallelism: 40 }, () => ({ rate: 2000 }), config({ subtasksPerShard: 2 }));
    expect(all.length).toBeGreaterThan(0);
    const first = all[0]!;
    expect(first.target.shards).toBe(20);
    expect(first.target.parallelism!).toBeLessThanOrEqual(32);
    expect(first.reasons.join(' ')).toMatch(/outside the bounds/);
  });

  it('from 20 shards the next step is the bound itself (16)', () => {
    const [first] = targets(5, { shards: 20, parallelism: 4 }, () => ({ rate: 2000 }), config());
    expect(first!.target.shards).toBe(16);
  });
});

describe('adaptive: with lag metrics missing, scale-in is blocked', () => {
  const quiet = { rate: 1000 };
  it('an over-provisioned job with no millisBehindLatest / iterator age never scales in', () => {
    const all = targets(120, { shards: 16, parallelism: 6 }, () => ({ ...quiet, millisBehindLatest: null, iteratorAgeMs: null }), config());
    for (const d of all) {
      expect(d.target.parallelism ?? 6).toBeGreaterThanOrEqual(6);
      expect(d.target.shards ?? 16).toBeGreaterThanOrEqual(16);
    }
  });

  it('the same job with lag reported as 0 does scale in (the block is about missing data, not the load)', () => {
    const all = targets(120, { shards: 16, parallelism: 6 }, () => quiet, config());
    expect(all.some((d) => (d.target.parallelism ?? 6) < 6)).toBe(true);
  });
});
