/**
 * adaptive v5 (patch scaling-adaptive-v5): a recurring pattern's trough is read only when demand
 * stayed that low for `troughSeconds`. In a trough the stream is sized for the recurring peak at the
 * target utilisation (90 %) instead of with scale-in headroom (65 %): one noisy minute must not cut
 * the headroom (found on the generated suite: a 1,400 records/s plateau cut to 2 shards on a −30 % minute).
 */
import { describe, expect, it } from 'vitest';
import { adaptivePolicy as policy } from '../../scaling/policies/adaptive.js';
import { adaptiveV4Policy } from '../../scaling/policies/v4/adaptive.js';
import type { MetricsSample, ScalingPolicy, ScalingTarget } from '../../scaling/types.js';
import { T0, config, observation, sample } from './helpers.js';

function period(t: number, accepted: number): MetricsSample {
  return sample(t, {
    incomingRecords: accepted * 60, incomingBytes: accepted * 60 * 350, writeProvisionedThroughputExceeded: 0,
    millisBehindLatest: 0, iteratorAgeMs: 0, numRecordsInPerSecond: accepted, cpuUtilization: (100 * accepted) / (2 * 4400),
  });
}

/** Tracks the shard count the policy asks for, applying it at once; parallelism stays 2 (8,800 records/s carry every minute). */
function shardsOver(subject: ScalingPolicy, demand: number[]): number[] {
  const c = config();
  let state = subject.initialState(c);
  let shards = 16;
  const out: number[] = [];
  demand.forEach((d, i) => {
    const t = T0 + i * 60;
    const r = subject.decide(state, observation(t + 120, [period(t, d)], { shards, parallelism: 2 }), c);
    state = r.nextState;
    const target: ScalingTarget = r.decision.target;
    if (r.decision.kind === 'scale' && target.shards !== undefined) {
      shards = target.shards;
      state = subject.onActionOutcome(state, { at: t + 121, target, result: 'applied' }, c);
    }
    out.push(shards);
  });
  return out;
}

// 7,000 records/s, a peak of 8,000 for 5 minutes, 7,000 again (12 % below the peak: no trough); the 30-minute
// scale-in window holds the peak from minute 29 on, and the stream is cut to 8,000 at 65 %: 13 shards.
const plateau = [...Array<number>(20).fill(7000), ...Array<number>(5).fill(8000), ...Array<number>(10).fill(7000)];

describe('adaptive v5: noise-aware troughs', () => {
  it('one minute 30 % below a recurring peak is noise: the stream keeps its scale-in headroom', () => {
    const demand = [...plateau, 5000, 7000, 7000];
    const v5 = shardsOver(policy, demand);
    const v4 = shardsOver(adaptiveV4Policy, demand);
    // Before the dip both hold the 8,000 peak at 65 %: 13 shards.
    expect(v5[34]).toBe(13);
    expect(v4[34]).toBe(13);
    // The v4 rules took the one dip for a trough and sized for the peak at 90 % (9 shards); v5 keeps 13.
    expect(Math.min(...v4.slice(35))).toBe(9);
    expect(Math.min(...v5.slice(35))).toBe(13);
  });

  it('a trough that lasted troughSeconds (5 minutes) is a trough: the stream is sized for the peak at 90 %', () => {
    const demand = [...plateau, ...Array<number>(8).fill(5000)];
    const v5 = shardsOver(policy, demand);
    // Minutes 35–38 are the first four of the low: not yet 5 minutes.
    expect(v5.slice(35, 39)).toEqual([13, 13, 13, 13]);
    expect(Math.min(...v5.slice(39))).toBe(9);
  });
});
