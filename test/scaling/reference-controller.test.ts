import { describe, expect, it } from 'vitest';
import { foresightOf, presentOf, REFERENCE_DEFAULTS, referenceController } from '../../bench/scaling/reference-controller.js';
import { DEFAULT_SIM_OPTIONS, simulate, type SimOptions } from '../../bench/scaling/sim/simulate.js';
import { parseTrace } from '../../bench/scaling/sim/trace.js';
import { DAY_SECONDS, SHARD_UPDATES_PER_DAY } from '../../scaling/types.js';

const options: SimOptions = { ...DEFAULT_SIM_OPTIONS, reshardSeconds: 120, restartSeconds: 30 };

/** Demand swinging between a trickle and the bounds' maximum every 20 minutes for 8 h: it wants more reshards than the quota allows. */
function swingTrace() {
  const rows = Array.from({ length: 8 * 60 }, (_, m) => `${m * 60},${Math.floor(m / 20) % 2 === 0 ? 300 : 14_000}`);
  return parseTrace('swing', `t_seconds,records_per_second\n${rows.join('\n')}\n`);
}

describe('reactive-ideal reference controller (bench only)', () => {
  it('obeys 2×/½, the rolling UpdateShardCount quota, the shard and parallelism bounds and the KPU maximum', () => {
    const trace = swingTrace();
    const { limits } = options.config;
    const params = { ...REFERENCE_DEFAULTS, streamHoldSeconds: 300, flinkHoldSeconds: 120, quotaReserve: 0, minShrink: 0 };
    const shardSteps: Array<[number, number]> = [];
    const parallelisms = new Set<number>();
    let shards = options.initial.shards;
    let worstQuota = 0;
    const result = simulate(trace, referenceController(trace, options, params), options, (second, model) => {
      if (model.shards !== shards) shardSteps.push([shards, model.shards]);
      shards = model.shards;
      parallelisms.add(model.parallelism);
      worstQuota = Math.max(worstQuota, model.shardUpdateTimes.filter((t) => t > second - DAY_SECONDS).length);
    });
    // It scaled both ways and ran into the quota, so the checks below have something to check.
    expect(shardSteps.some(([a, b]) => b > a) && shardSteps.some(([a, b]) => b < a)).toBe(true);
    expect(worstQuota).toBe(SHARD_UPDATES_PER_DAY);
    for (const [from, to] of shardSteps) {
      expect(to, `${from} → ${to}`).toBeLessThanOrEqual(2 * from);
      expect(to, `${from} → ${to}`).toBeGreaterThanOrEqual(Math.ceil(from / 2));
      expect(to).toBeGreaterThanOrEqual(limits.minShards);
      expect(to).toBeLessThanOrEqual(limits.maxShards);
    }
    for (const p of parallelisms) {
      expect(p).toBeGreaterThanOrEqual(limits.minParallelism);
      expect(p).toBeLessThanOrEqual(limits.maxParallelism);
      expect(Math.ceil(p / options.initial.parallelismPerKpu) + 1).toBeLessThanOrEqual(limits.maxKpus);
    }
    expect(result.rejected).toBe(0);
    expect(result.restarts).toBeGreaterThan(1);
  });

  it('carries a steady load with its headroom and no SLO minutes once sized', () => {
    const rows = Array.from({ length: 120 }, (_, m) => `${m * 60},6000`);
    const trace = parseTrace('steady', `t_seconds,records_per_second\n${rows.join('\n')}\n`);
    const result = simulate(trace, referenceController(trace, options, REFERENCE_DEFAULTS), options);
    const last = result.series[result.series.length - 1]!;
    // 6,000 rec/s × 1.3 → 8 shards (the start) stays; Flink 6,000 × 1.3 ÷ 4,400 → 2.
    expect(last.shards).toBe(8);
    expect(last.parallelism).toBe(2);
    expect(result.series.slice(10).every((m) => m.lagSeconds <= options.sloSeconds)).toBe(true);
  });

  it('knows the present, never the future', () => {
    const present = presentOf(swingTrace());
    expect(present.at(1200, 1200).recordsPerSecond).toBe(14_000);
    expect(() => present.at(1201, 1200)).toThrow(/future is not known/);
  });
});

describe('the forecast ablation (bench only, not causal)', () => {
  /** 2,000 records/s (350 B) for 3 h, then ×5 for 1 h: a step no causal controller sees coming. */
  function stepTrace() {
    const rows = Array.from({ length: 4 * 60 }, (_, m) => `${m * 60},${m < 180 ? 2000 : 10_000}`);
    return parseTrace('step', `t_seconds,records_per_second\n${rows.join('\n')}\n`);
  }

  it('foresight is the largest load within the horizon ahead, per shard and per unit of Flink rate', () => {
    const csv = 't_seconds,records_per_second,avg_record_bytes,true_records_per_second_per_parallelism\n0,500,350,\n60,800,2000,2000\n120,100,350,\n180,100,350,\n';
    const { shardLoad, flinkLoad } = foresightOf(parseTrace('f', csv), 30, 4000);
    // At 0 the next 30 s stay at 500 records/s of 350 B: 0.5 of a shard's 1,000 records/s, 500 ÷ 4,000 of a parallelism.
    expect(shardLoad[0]).toBeCloseTo(0.5);
    expect(flinkLoad[0]).toBeCloseTo(0.125);
    // At 40 the window reaches 60: 800 records of 2,000 B are 1.6 MB/s over a shard's 1 MB/s; 800 ÷ 2,000 = 0.4.
    expect(shardLoad[40]).toBeCloseTo(1.6);
    expect(flinkLoad[40]).toBeCloseTo(0.4);
    // Past the peak it forgets it.
    expect(shardLoad[121]).toBeCloseTo(0.1);
  });

  it('with a forecast longer than a reshard the step costs no SLO minute; without one it does', () => {
    const trace = stepTrace();
    const run = (lookaheadSeconds: number) => simulate(trace, referenceController(trace, DEFAULT_SIM_OPTIONS, { ...REFERENCE_DEFAULTS, lookaheadSeconds }), DEFAULT_SIM_OPTIONS);
    expect(run(0).sloMinutes).toBeGreaterThan(0);
    expect(run(600).sloMinutes).toBe(0);
  });
});
