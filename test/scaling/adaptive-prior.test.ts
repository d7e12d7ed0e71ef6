/**
 * A calibrated per-unit rate is adaptive's prior: applying it restarts the learned estimate
 * from it (no longer overridden by what was learned before), and busy periods then refine it.
 */
import { describe, expect, it } from 'vitest';
import { adaptivePolicy as policy, type AdaptiveState } from '../../scaling/policies/adaptive.js';
import { T0, config, observation, sample } from './helpers.js';

const cap = { shards: 16, parallelism: 2, parallelismPerKpu: 1 };

/** A saturated minute: two units process `processed` records/s at 100 % CPU while the lag grows. */
function saturated(state: AdaptiveState, minute: number, processed: number, parameters: Record<string, number>) {
  const t = T0 + minute * 60;
  const s = sample(t, {
    incomingRecords: 7000 * 60, incomingBytes: 7000 * 60 * 350, writeProvisionedThroughputExceeded: 0, millisBehindLatest: 3000 * (minute + 1),
    iteratorAgeMs: 0, numRecordsInPerSecond: processed, cpuUtilization: 100,
  });
  return policy.decide(state, observation(t + 120, [s], cap, {}), config(parameters)).nextState;
}

describe('adaptive: a calibrated rate is the prior its learning refines', () => {
  it('reseeding on a changed recordsPerSecondPerParallelism replaces the learned rate, and learning moves on from it', () => {
    let state = policy.initialState(config());
    for (let m = 0; m < 5; m++) state = saturated(state, m, 6160, {});
    expect(state.unitRate).toBeCloseTo(3080, 0);
    expect(policy.learned!(state)).toEqual({ recordsPerSecondPerParallelism: state.unitRate });

    const calibrated = { recordsPerSecondPerParallelism: 2500 };
    state = policy.reseed!(state, ['recordsPerSecondPerParallelism'], config(calibrated));
    expect(state.unitRate).toBe(2500);
    // One busy period at 2 × 2,600 moves the estimate by the learning rate (0.3) from the prior, not from the old 3,080.
    state = saturated(state, 5, 5200, calibrated);
    expect(state.unitRate).toBeCloseTo(2500 + 0.3 * (2600 - 2500), 6);
  });

  it('other parameters leave the learned rate alone', () => {
    let state = policy.initialState(config());
    for (let m = 0; m < 3; m++) state = saturated(state, m, 6160, {});
    const before = state.unitRate;
    expect(policy.reseed!(state, ['lagTargetSeconds'], config({ lagTargetSeconds: 30 })).unitRate).toBe(before);
  });
});
