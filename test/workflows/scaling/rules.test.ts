import { describe, expect, it } from 'vitest';
import type { AutoscalingSettings, ScalingRecord } from '../../../model/status.js';
import { getPolicy } from '../../../scaling/index.js';
import {
  applyAutoscalingChange, boundsViolation, changingPart, overrideViolation, quotaViolation, shardStepViolation, type OverrideContext,
} from '../../../workflows/scaling/rules.js';
import { stepOrder } from '../../../workflows/scaling/saga.js';
import { addRecord, HISTORY_LIMIT, quotaWindow, type ScalingState } from '../../../workflows/scaling/state.js';

const running: OverrideContext = {
  phase: 'RUNNING', capacity: { shards: 8, parallelism: 4, parallelismPerKpu: 1 }, actionInFlight: false, maxKpus: 64,
};

describe('UpdateShardCount rules in words', () => {
  it.each([
    [8, 16, null],
    [8, 17, '17 shards is more than 2× the 8 open shards (UpdateShardCount allows at most 16)'],
    [8, 4, null],
    [8, 3, '3 shards is less than ½ of the 8 open shards (UpdateShardCount allows at least 4)'],
    [7, 4, null],
    [7, 3, '3 shards is less than ½ of the 7 open shards (UpdateShardCount allows at least 4)'],
    [1, 2, null],
  ])('%i open shards → %i: %s', (open, target, message) => {
    expect(shardStepViolation(open, target)).toBe(message);
  });

  it('allows 9 calls in 24 h to be followed by a 10th, not an 11th, and says when the next is possible', () => {
    const day = 86_400;
    expect(quotaViolation(Array.from({ length: 9 }, (_, i) => 1000 + i))).toBeNull();
    const message = quotaViolation(Array.from({ length: 10 }, (_, i) => 1000 + i));
    expect(message).toMatch(/quota is used up \(10 of 10 calls in the last 24 h\)/);
    expect(message).toContain(new Date((1000 + day) * 1000).toISOString());
    expect(quotaWindow([1000, 5000, 1000 + day], 1000 + day)).toEqual([5000, 1000 + day]);
  });
});

describe('manual override validation', () => {
  it.each([
    [{}, 'give a target shard count, a parallelism, a ParallelismPerKPU, or several'],
    [{ parallelismPerKpu: 9 }, 'parallelismPerKpu must be a whole number from 1 to 8'],
    [{ shards: 0 }, 'shards must be a whole number from 1 to 10000'],
    [{ shards: 2.5 }, 'shards must be a whole number from 1 to 10000'],
    [{ parallelism: 257 }, 'parallelism must be a whole number from 1 to 256'],
    [{ shards: 8, parallelism: 4 }, 'the pipeline already has 8 shards and parallelism 4'],
    [{ shards: 20 }, '20 shards is more than 2× the 8 open shards (UpdateShardCount allows at most 16)'],
    [{ parallelism: 64 }, 'parallelism 64 needs 65 KPUs (ParallelismPerKPU 1), above the maximum of 64'],
    [{ shards: 12 }, null],
    [{ shards: 8, parallelism: 6 }, null],
    [{ parallelismPerKpu: 2 }, null],
    [{ parallelismPerKpu: 1 }, 'the pipeline already has 8 shards and parallelism 4 with ParallelismPerKPU 1'],
  ])('%j → %s', (request, message) => {
    expect(overrideViolation(request, running)).toBe(message);
  });

  it('rejects while not RUNNING, while an action runs, and before capacity is known', () => {
    expect(overrideViolation({ shards: 12 }, { ...running, phase: 'SCALING' })).toMatch(/is SCALING; scaling overrides are accepted only while it is RUNNING/);
    expect(overrideViolation({ shards: 12 }, { ...running, actionInFlight: true })).toMatch(/already under way/);
    expect(overrideViolation({ shards: 12 }, { ...running, capacity: null })).toMatch(/not known yet/);
  });
});

describe('action planning', () => {
  it('changes the stream first on the way up and Flink first on the way down', () => {
    expect(stepOrder({ shards: 4, parallelism: 2 }, { shards: 6, parallelism: 4 })).toEqual(['shards', 'parallelism']);
    expect(stepOrder({ shards: 6, parallelism: 4 }, { shards: 4, parallelism: 2 })).toEqual(['parallelism', 'shards']);
    expect(stepOrder({ shards: 4, parallelism: 2 }, { shards: 4, parallelism: 3 })).toEqual(['parallelism']);
    expect(stepOrder({ shards: 4, parallelism: 2 }, { shards: 4, parallelism: 2 })).toEqual([]);
  });

  it('keeps only the fields that change and checks policy targets against the bounds', () => {
    const capacity = { shards: 4, parallelism: 2, parallelismPerKpu: 1 };
    expect(changingPart({ shards: 4, parallelism: 3 }, capacity)).toEqual({ parallelism: 3 });
    const settings = { limits: { minShards: 2, maxShards: 6, minParallelism: 1, maxParallelism: 4, maxKpus: 64 } } as AutoscalingSettings;
    expect(boundsViolation({ shards: 7 }, settings)).toBe('7 shards is outside the bounds 2…6');
    expect(boundsViolation({ parallelism: 5 }, settings)).toBe('parallelism 5 is outside the bounds 1…4');
    expect(boundsViolation({ shards: 6, parallelism: 4 }, settings)).toBeNull();
  });
});

describe('autoscaling settings changes', () => {
  const current: AutoscalingSettings = {
    policy: 'article-step', paused: false, intervalSeconds: 60, periodSeconds: 60, cooldownSeconds: 600,
    limits: { minShards: 1, maxShards: 16, minParallelism: 1, maxParallelism: 32, maxKpus: 64 },
    parameters: { ...getPolicy('article-step').defaultParameters },
  };

  it('applies valid changes and keeps the rest', () => {
    const { settings, problems } = applyAutoscalingChange(current, { paused: true, limits: { maxShards: 8 }, parameters: { recordsPerSecondPerParallelism: 5000 } }, getPolicy);
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({ paused: true, limits: { minShards: 1, maxShards: 8 }, parameters: { recordsPerSecondPerParallelism: 5000 }, cooldownSeconds: 600 });
  });

  it('names every problem: unknown parameter, bad range, crossed bounds', () => {
    const { problems } = applyAutoscalingChange(current, {
      intervalSeconds: 0, cooldownSeconds: -1, limits: { minParallelism: 9, maxParallelism: 4 }, parameters: { nonsense: 1 },
    }, getPolicy);
    expect(problems).toEqual(expect.arrayContaining([
      'intervalSeconds must be a whole number from 1 to 3600',
      'cooldownSeconds must be a whole number from 0 to 86400',
      'limits.minParallelism must not exceed limits.maxParallelism',
    ]));
    expect(problems.some((p) => p.startsWith('parameters.nonsense'))).toBe(true);
  });

  it('starts a new policy from its own default parameters', () => {
    const { settings, problems } = applyAutoscalingChange(current, { policy: 'none' }, getPolicy);
    expect(problems).toEqual([]);
    expect(settings.parameters).toEqual(getPolicy('none').defaultParameters);
  });

  it('keeps a calibrated per-unit rate across a policy switch (when the new policy reads one), unless the change sets another', () => {
    const calibrated = { ...current, parameters: { ...current.parameters, recordsPerSecondPerParallelism: 2496 } };
    const carry = { carryUnitRate: true };
    expect(applyAutoscalingChange(calibrated, { policy: 'adaptive' }, getPolicy, carry).settings.parameters.recordsPerSecondPerParallelism).toBe(2496);
    expect(applyAutoscalingChange(calibrated, { policy: 'ds2' }, getPolicy, carry).settings.parameters.recordsPerSecondPerParallelism).toBe(2496);
    expect(applyAutoscalingChange(calibrated, { policy: 'adaptive', parameters: { recordsPerSecondPerParallelism: 3000 } }, getPolicy, carry)
      .settings.parameters.recordsPerSecondPerParallelism).toBe(3000);
    // A policy without the parameter does not get it (it would be refused as unknown).
    const none = applyAutoscalingChange(calibrated, { policy: 'none' }, getPolicy, carry);
    expect(none.problems).toEqual([]);
    expect(none.settings.parameters).toEqual(getPolicy('none').defaultParameters);
    // Runs recorded before the patch keep the old rule: a new policy starts from its defaults.
    expect(applyAutoscalingChange(calibrated, { policy: 'adaptive' }, getPolicy).settings.parameters.recordsPerSecondPerParallelism)
      .toBe(getPolicy('adaptive').defaultParameters.recordsPerSecondPerParallelism);
  });
});

describe('scaling history', () => {
  const record = (kind: ScalingRecord['kind'], outcome: ScalingRecord['outcome'], at: string): ScalingRecord => ({
    at, kind, outcome, source: 'policy', before: null, after: null, target: null, reasons: [at],
  });

  it('collapses consecutive keep-capacity decisions into the newest and stays bounded', () => {
    const state = { history: [], settings: { policy: 'none' } } as unknown as ScalingState;
    addRecord(state, record('decision', 'none', 't1'));
    addRecord(state, record('decision', 'none', 't2'));
    addRecord(state, record('decision', 'ok', 't3'));
    addRecord(state, record('decision', 'none', 't4'));
    expect(state.history.map((r) => r.at)).toEqual(['t2', 't3', 't4']);
    for (let i = 0; i < HISTORY_LIMIT + 10; i += 1) addRecord(state, record('action', 'ok', `a${i}`));
    expect(state.history).toHaveLength(HISTORY_LIMIT);
    expect(state.history[state.history.length - 1]?.at).toBe(`a${HISTORY_LIMIT + 9}`);
  });
});
