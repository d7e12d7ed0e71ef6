import { describe, expect, it } from 'vitest';
import { DEFAULT_SIM_OPTIONS, policyController, simulate, type SimOptions } from '../../bench/scaling/sim/simulate.js';
import { oracleController, planOracle } from '../../bench/scaling/sim/oracle.js';
import { parseTrace } from '../../bench/scaling/sim/trace.js';
import type { ScalingPolicy, ScalingTarget } from '../../scaling/types.js';
import { nonePolicy } from '../../scaling/policies/none.js';

const options: SimOptions = { ...DEFAULT_SIM_OPTIONS, reshardSeconds: 30, restartSeconds: 20, verifySeconds: 0 };

function constantTrace(minutes: number, rate: number, trueRate?: number) {
  const rows = Array.from({ length: minutes }, (_, m) => `${m * 60},${rate},350${trueRate === undefined ? '' : `,${trueRate}`}`);
  const header = trueRate === undefined ? 't_seconds,records_per_second,avg_record_bytes' : 't_seconds,records_per_second,avg_record_bytes,true_records_per_second_per_parallelism';
  return parseTrace('constant', `${header}\n${rows.join('\n')}\n`);
}

/** A test policy that asks for whatever `next` returns at every tick. */
function asking(next: (shards: number, parallelism: number) => ScalingTarget): ScalingPolicy & { outcomes: string[] } {
  const outcomes: string[] = [];
  return {
    outcomes,
    name: 'test', description: 'test', defaultParameters: {}, validateParameters: () => [],
    initialState: () => ({}),
    decide: (state, o) => ({ decision: { kind: 'scale', target: next(o.capacity.shards, o.capacity.parallelism), reasons: [] }, nextState: state }),
    onActionOutcome: (state, outcome) => { outcomes.push(outcome.result); return state; },
  };
}

describe('simulator control loop: AWS constraints applied to what a policy asks', () => {
  it('refuses the 11th UpdateShardCount within 24 h', () => {
    const policy = asking((shards) => ({ shards: shards === 8 ? 9 : 8 }));
    const result = simulate(constantTrace(60, 1000), policyController(policy, options), options);
    expect(result.shardUpdates).toBe(10);
    expect(result.rejected).toBeGreaterThan(0);
    expect(policy.outcomes.filter((o) => o === 'failed').length).toBe(result.rejected);
  });

  it('refuses a target beyond twice the open shards', () => {
    const policy = asking(() => ({ shards: 17 }));
    const result = simulate(constantTrace(5, 1000), policyController(policy, options), options);
    expect(result.shardUpdates).toBe(0);
    expect(result.rejected).toBe(5);
  });

  it('applies one action at a time and tells the policy it was applied', () => {
    const policy = asking((shards, p) => ({ shards: shards + 1, parallelism: p + 1 }));
    const result = simulate(constantTrace(3, 1000), policyController(policy, options), options);
    // Ticks at 0 s (stream 30 s then Flink 20 s: done at 50 s), 60 s (done at 110 s), 120 s (done at 170 s).
    expect(result.shardUpdates).toBe(3);
    expect(result.restarts).toBe(3);
    expect(policy.outcomes).toEqual(['applied', 'applied', 'applied']);
  });

  it('bills shard- and KPU-hours and counts SLO minutes from the lag', () => {
    // none: 8 shards and parallelism 1 (4,400 records/s) against 5,400 records/s for 10 minutes.
    const result = simulate(constantTrace(10, 5400), policyController(nonePolicy, options), options);
    expect(result.shardHours).toBeCloseTo((8 * 600) / 3600, 9);
    expect(result.kpuHours).toBeCloseTo((2 * 600) / 3600, 9);
    expect(result.cost).toBeCloseTo((8 * 600 * 0.015 + 2 * 600 * 0.11) / 3600, 9);
    // Lag grows by 1,000/5,400 s per second: above 60 s after 324 s, so minutes 6…10 breach.
    expect(result.sloMinutes).toBe(5);
    expect(result.peakLagSeconds).toBeCloseTo(600 * (1000 / 5400), 3);
  });
});

describe('oracle: cheapest plan with perfect foresight', () => {
  it('shrinks to the capacity the demand needs and keeps lag under the SLO', () => {
    const trace = constantTrace(60, 2000);
    const plan = planOracle(trace, options);
    expect(plan.shards[59]).toBe(2); // 8 → 4 → 2, each within ½
    expect(plan.parallelism.every((p) => p === 1)).toBe(true);
    const result = simulate(trace, oracleController(plan, options), options);
    expect(result.sloMinutes).toBe(0);
    expect(result.shardUpdates).toBe(2);
  });

  it('grows before a step in demand so that no minute breaches the SLO', () => {
    const rows = Array.from({ length: 40 }, (_, m) => `${m * 60},${m < 20 ? 2000 : 9000},350`);
    const trace = parseTrace('step', `t_seconds,records_per_second,avg_record_bytes\n${rows.join('\n')}\n`);
    const plan = planOracle(trace, options);
    expect(plan.shards[25]).toBe(9);
    expect(plan.parallelism[25]).toBe(3); // 9,000 ÷ 4,400 → 3
    const result = simulate(trace, oracleController(plan, options), options);
    expect(result.sloMinutes).toBe(0);
    expect(result.throttledRecords).toBe(0);
  });

  it('drains a stalled job\'s backlog without a reshard that would strand it in parent shards', () => {
    // 5,000 records/s; the job stalls (true rate 0) from minute 10 to 20. The backlog must drain through one subtask
    // per shard, so the shards it will be read from must be there before it builds, and stay until it is gone.
    const rows = Array.from({ length: 40 }, (_, m) => `${m * 60},5000,350,${m >= 10 && m < 20 ? 0 : 4400}`);
    const trace = parseTrace('stall', `t_seconds,records_per_second,avg_record_bytes,true_records_per_second_per_parallelism\n${rows.join('\n')}\n`);
    const plan = planOracle(trace, options);
    const during = plan.shards.slice(10, 22); // the stall and the two minutes of its drain
    expect(new Set(during).size).toBe(1);
    expect(during[0]).toBe(16);
    expect(plan.parallelism.slice(0, 10).every((p, m) => p <= plan.shards[m]!)).toBe(true);
    const result = simulate(trace, oracleController(plan, options), options);
    // 10 minutes stalled, then 3,000,000 records drained at 16 × 4,400 − 5,000 after a 20 s restart: under a minute.
    expect(result.sloMinutes).toBeLessThanOrEqual(12);
    expect(result.rejected).toBe(0);
  });

  it('uses the true processing rate of the trace, not the configured one', () => {
    expect(planOracle(constantTrace(10, 7000), options).parallelism[9]).toBe(2); // 7,000 ÷ 4,400 → 2
    expect(planOracle(constantTrace(10, 7000, 3080), options).parallelism[9]).toBe(3); // 7,000 ÷ 3,080 → 3
  });
});
