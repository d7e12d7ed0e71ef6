import { describe, expect, it } from 'vitest';
import { awsCpuPolicy } from '../../scaling/policies/aws-cpu.js';
import { ds2Policy, type Ds2State } from '../../scaling/policies/ds2.js';
import { getPolicy, policies } from '../../scaling/index.js';
import { POLICY_NAMES } from '../../model/spec.js';
import type { MetricsSample } from '../../scaling/types.js';
import { T0, config, observation, sample } from './helpers.js';

const cfg = config();

describe('policy registry', () => {
  it('offers every policy name of the spec', () => {
    expect(Object.keys(policies).sort()).toEqual([...POLICY_NAMES].sort());
    for (const name of POLICY_NAMES) expect(getPolicy(name).name).toBe(name);
  });

  it('rejects unknown parameters in every policy', () => {
    for (const name of POLICY_NAMES) expect(getPolicy(name).validateParameters({ noSuchThing: 1 })).toEqual([['noSuchThing', expect.stringMatching(/unknown parameter/)]]);
  });

  it('accepts every policy\'s own defaults', () => {
    for (const name of POLICY_NAMES) expect(getPolicy(name).validateParameters(getPolicy(name).defaultParameters)).toEqual([]);
  });
});

describe('aws-cpu: AWS managed autoscaling rule', () => {
  function feed(cpus: Array<number | null>, parallelism: number, periodSeconds = 60) {
    let state = awsCpuPolicy.initialState(cfg);
    let last = awsCpuPolicy.decide(state, observation(T0, [], { parallelism }), cfg);
    state = last.nextState;
    cpus.forEach((cpu, i) => {
      const t = T0 + i * periodSeconds;
      last = awsCpuPolicy.decide(state, observation(t + periodSeconds, [sample(t, { cpuUtilization: cpu }, periodSeconds)], { parallelism }), cfg);
      state = last.nextState;
    });
    return last.decision;
  }

  it('doubles parallelism after 15 consecutive minutes at or above 75 % CPU, not after 14', () => {
    expect(feed(Array(14).fill(75), 2).target).toEqual({});
    expect(feed(Array(15).fill(75), 2).target).toEqual({ parallelism: 4 });
  });

  it('restarts the count after a minute below 75 % or without a datapoint', () => {
    expect(feed([...Array(10).fill(90), 74, ...Array(10).fill(90)], 2).target).toEqual({});
    expect(feed([...Array(10).fill(90), null, ...Array(10).fill(90)], 2).target).toEqual({});
  });

  it('counts seconds, so 1 s periods need 900 of them', () => {
    expect(feed(Array(899).fill(80), 1, 1).target).toEqual({});
    expect(feed(Array(900).fill(80), 1, 1).target).toEqual({ parallelism: 2 });
  });

  it('halves after 6 hours below 10 % CPU but never below the configured parallelism', () => {
    let state = awsCpuPolicy.initialState(cfg);
    state = awsCpuPolicy.decide(state, observation(T0, [], { parallelism: 3 }), cfg).nextState; // configured: 3
    const low = (p: number, start: number) => {
      let decision;
      for (let i = 0; i < 360; i++) {
        const t = start + i * 60;
        const r = awsCpuPolicy.decide(state, observation(t + 60, [sample(t, { cpuUtilization: 5 })], { parallelism: p }), cfg);
        state = r.nextState;
        decision = r.decision;
      }
      return decision!;
    };
    expect(low(8, T0).target).toEqual({ parallelism: 4 });
    expect(low(4, T0 + 360 * 60).target).toEqual({ parallelism: 3 });
  });

  it('never touches shards and waits while the application is not RUNNING', () => {
    let state = awsCpuPolicy.initialState(cfg);
    let decision;
    for (let i = 0; i < 15; i++) {
      const r = awsCpuPolicy.decide(state, observation(T0 + (i + 1) * 60, [sample(T0 + i * 60, { cpuUtilization: 100, incomingRecords: 10_000_000 })], { parallelism: 2 }, { applicationStatus: 'AUTOSCALING' }), cfg);
      state = r.nextState;
      decision = r.decision;
    }
    expect(decision!.target).toEqual({});
    expect(decision!.reasons[0]).toMatch(/AUTOSCALING, not RUNNING/);
  });
});

describe('ds2: Flink Kubernetes Operator autoscaler defaults', () => {
  const period = (i: number, values: Partial<MetricsSample>) => sample(T0 + i * 60, values);
  function feed(minutes: number, values: (i: number) => Partial<MetricsSample>, capacity: { shards?: number; parallelism: number }, state: Ds2State = ds2Policy.initialState(cfg), from = 0) {
    let last = { decision: { kind: 'none' as const, target: {}, reasons: [] as string[] }, nextState: state } as ReturnType<typeof ds2Policy.decide>;
    for (let i = from; i < from + minutes; i++) {
      last = ds2Policy.decide(last.nextState, observation(T0 + (i + 2) * 60, [period(i, values(i))], { shards: 16, ...capacity }), cfg);
      if (last.decision.target.parallelism !== undefined) return { ...last, minute: i };
    }
    return { ...last, minute: -1 };
  }
  const saturated = { incomingRecords: 8000 * 60, numRecordsInPerSecond: 4400, cpuUtilization: 100, millisBehindLatest: 0 };

  it('waits for a full 15 minute metrics window, then jumps in one step to input ÷ 0.7 + restart catch-up', () => {
    const r = feed(30, () => saturated, { parallelism: 1 });
    expect(r.minute).toBe(14);
    // 8,000 ÷ 0.7 + 8,000 × 300 ÷ 1,800 = 12,762 rec/s ÷ 4,400 per parallelism → 3
    expect(r.decision.target.parallelism).toBe(3);
  });

  it('measures the true rate as processed ÷ busy fraction', () => {
    // 1,540 processed at 50 % busy → 3,080 per parallelism: 3,500 rec/s is 114 % of it (at 4,400 it would be 80 %,
    // inside the boundary); target 3,500 ÷ 0.7 + 583 = 5,583 ÷ 3,080 → 2
    const r = feed(30, () => ({ incomingRecords: 3500 * 60, numRecordsInPerSecond: 1540, cpuUtilization: 50, millisBehindLatest: 0 }), { parallelism: 1 });
    expect(r.decision.target.parallelism).toBe(2);
  });

  it('adds backlog ÷ catch-up duration to the target', () => {
    // 20 min of 8,000 rec/s behind: 9.6 M records ÷ 1,800 s = 5,333 rec/s more → 17,975 ÷ 4,400 → 5
    const r = feed(30, () => ({ ...saturated, millisBehindLatest: 1_200_000 }), { parallelism: 1 });
    expect(r.decision.target.parallelism).toBe(5);
  });

  it('scales down only after an hour of recommendations, at most −60 % per step', () => {
    const quiet = () => ({ incomingRecords: 100 * 60, numRecordsInPerSecond: 100, cpuUtilization: 100 / 44, millisBehindLatest: 0 });
    const r = feed(120, quiet, { parallelism: 10 });
    expect(r.decision.target.parallelism).toBe(4);
    expect(r.minute).toBeGreaterThanOrEqual(14 + 60);
    expect(r.minute).toBeLessThanOrEqual(14 + 61);
  });

  it('pairs a shard rule: doubles at 80 % write utilisation, never over the quota', () => {
    const busy = ds2Policy.decide(ds2Policy.initialState(cfg), observation(T0 + 120, [period(0, { incomingRecords: 800 * 4 * 60 })], { shards: 4, parallelism: 1 }), cfg);
    expect(busy.decision.target.shards).toBe(8);
    const times = Array.from({ length: 10 }, (_, i) => T0 + i);
    const spent = ds2Policy.decide(ds2Policy.initialState(cfg), observation(T0 + 120, [period(0, { incomingRecords: 800 * 4 * 60 })], { shards: 4, parallelism: 1 }, { shardUpdateTimes: times }), cfg);
    expect(spent.decision.target.shards).toBeUndefined();
  });
});
