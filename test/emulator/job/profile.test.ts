import { describe, expect, it } from 'vitest';
import type { MetricSink } from '../../../emulator/core/types.js';
import { cpuUtilizationFor, effectiveSubtaskRate, profileFromProperties, type KpuLoad } from '../../../emulator/job/profile.js';
import { JobRunner, type RunConditions } from '../../../emulator/job/runner.js';
import { TaxiJob } from '../../../emulator/job/taxiJob.js';
import { FakeStreams, nycTrip } from './fakeStreams.js';

const cpuBound = { kind: 'cpu-bound', ioCpuShare: 0.2 } as const;
const ioBound = { kind: 'io-bound', ioCpuShare: 0.2 } as const;
const load = (over: Partial<KpuLoad>): KpuLoad => ({ profile: cpuBound, recordsPerSecondPerSubtask: 2600, parallelism: 2, parallelismPerKpu: 1, ...over });

describe('the job profile: what one KPU processes', () => {
  it('a CPU-bound job gets no more out of a KPU by packing subtasks into it (and loses to context switches)', () => {
    expect(effectiveSubtaskRate(load({ parallelismPerKpu: 1 }))).toBe(2600);
    const shared = effectiveSubtaskRate(load({ parallelismPerKpu: 2 }));
    // Two subtasks on one vCPU: each gets half of it, minus 5 %.
    expect(shared).toBeCloseTo(2600 * 0.95 / 2, 6);
    expect(cpuUtilizationFor(load({ parallelismPerKpu: 2 }), shared * 2)).toBeCloseTo(100, 6);
  });

  it('an I/O-bound job keeps its per-subtask rate while the subtasks sharing a KPU fit in its vCPU', () => {
    expect(effectiveSubtaskRate(load({ profile: ioBound, parallelismPerKpu: 1 }))).toBe(2600);
    expect(effectiveSubtaskRate(load({ profile: ioBound, parallelism: 4, parallelismPerKpu: 4 }))).toBe(2600);
    // Eight subtasks need 8 × 20 % of one vCPU: the vCPU binds at 5 subtasks' worth.
    expect(effectiveSubtaskRate(load({ profile: ioBound, parallelism: 8, parallelismPerKpu: 8 }))).toBeCloseTo(2600 * 5 / 8, 6);
    expect(cpuUtilizationFor(load({ profile: ioBound, parallelismPerKpu: 1 }), 2 * 2600)).toBeCloseTo(20, 6);
  });

  it('reads the profile from the application properties, keeping the default for values it does not know', () => {
    expect(profileFromProperties('io-bound', '0.25')).toEqual({ kind: 'io-bound', ioCpuShare: 0.25 });
    expect(profileFromProperties('gpu-bound', '7')).toEqual({ kind: 'uniform', ioCpuShare: 0.2 });
  });

  it('by default (uniform) every subtask keeps its rate whatever ParallelismPerKPU is, as EMULATOR.md specifies', () => {
    const uniform = { kind: 'uniform', ioCpuShare: 0.2 } as const;
    expect(effectiveSubtaskRate(load({ profile: uniform, parallelismPerKpu: 2 }))).toBe(2600);
    expect(cpuUtilizationFor(load({ profile: uniform, parallelismPerKpu: 2 }), 2600)).toBeCloseTo(50, 6);
  });
});

describe('a saturated job (demand above capacity)', () => {
  function run(profile: RunConditions['profile'], offeredPerSecond: number) {
    const streams = new FakeStreams();
    streams.addShard('taxi', 'shardId-000000000000');
    const published: Array<Parameters<MetricSink['record']>[0]> = [];
    const sink: MetricSink = { record: (m) => published.push(m) };
    const runner = new JobRunner('app', new TaxiJob(streams, 'taxi'), sink, 0);
    runner.recover(0, null);
    const conditions: RunConditions = {
      running: true, parallelism: 1, parallelismPerKpu: 1, recordsPerSecondPerSubtask: 1000, profile,
      checkpointIntervalMs: 60_000, checkpointingEnabled: false, unhealthy: false,
    };
    const lags: number[] = [];
    let id = 0;
    for (let second = 1; second <= 10; second += 1) {
      for (let i = 0; i < offeredPerSecond; i += 1) streams.append('taxi', 'shardId-000000000000', `k${id}`, nycTrip(id++, 1), second * 1000 - 1);
      lags.push(runner.tick(second * 1000, 1000, conditions).lagMs);
    }
    const last = (name: string) => published.filter((m) => m.metricName === name).at(-1)?.value;
    return { lags, cpu: last('cpuUtilization'), backpressure: last('backPressuredTimeMsPerSecond'), processed: last('numRecordsInPerSecond') };
  }

  it('keeps up below capacity: lag flat, no backpressure', () => {
    const r = run(cpuBound, 800);
    expect(r.lags.at(-1)).toBeLessThan(10);
    expect(r.backpressure).toBe(0);
    expect(r.cpu).toBeCloseTo(80, 6);
  });

  it('above capacity: lag grows, the source is backpressured, CPU at its ceiling', () => {
    const r = run(cpuBound, 2000);
    expect(r.processed).toBe(1000);
    // Twice the capacity offered: the backlog grows by a second's worth every second, the oldest unread record ages.
    for (let i = 1; i < r.lags.length; i += 1) expect(r.lags[i]).toBeGreaterThanOrEqual(r.lags[i - 1]!);
    expect(r.lags.at(-1)).toBeGreaterThanOrEqual(4000);
    expect(r.backpressure).toBe(1000);
    expect(r.cpu).toBe(100);
    const io = run(ioBound, 2000);
    expect(io.backpressure).toBe(1000);
    expect(io.cpu).toBeCloseTo(20, 6);
  });
});

describe('the job\'s metrics on a busy machine (uneven ticks)', () => {
  it('a period\'s Average of numRecordsInPerSecond is records processed ÷ seconds, however unevenly the job ticked', () => {
    const streams = new FakeStreams();
    streams.addShard('taxi', 'shardId-000000000000');
    const published: Array<Parameters<MetricSink['record']>[0]> = [];
    const runner = new JobRunner('app', new TaxiJob(streams, 'taxi'), { record: (m) => published.push(m) }, 0);
    runner.recover(0, null);
    const conditions: RunConditions = {
      running: true, parallelism: 1, parallelismPerKpu: 1, recordsPerSecondPerSubtask: 2000, profile: ioBound,
      checkpointIntervalMs: 60_000, checkpointingEnabled: false, unhealthy: false,
    };
    // A starved event loop: a 700 ms stall among short ticks, all inside one second; input
    // arrives in bursts, and the source polls every 200 ms, so some ticks find nothing to do.
    let processed = 0;
    let last = 0;
    let id = 0;
    for (const at of [100, 200, 900, 905, 910, 990]) {
      for (let i = 0; i < 100; i += 1, id += 1) streams.append('taxi', 'shardId-000000000000', `k${id}`, nycTrip(id, 1), at - 1);
      processed += runner.tick(at, at - last, conditions).processed;
      last = at;
    }
    const samples = published.filter((m) => m.metricName === 'numRecordsInPerSecond');
    // CloudWatch's Average over the period: each value weighs by its count.
    const weighted = samples.reduce((a, m) => a + m.value * (m.count ?? 1), 0) / samples.reduce((a, m) => a + (m.count ?? 1), 0);
    expect(weighted).toBeCloseTo(processed / 0.99, 6);
    // One sample per tick would count the 5 ms ticks as much as the 700 ms one: far off.
    const perTick = samples.reduce((a, m) => a + m.value, 0) / samples.length;
    expect(Math.abs(perTick - weighted) / weighted).toBeGreaterThan(0.2);
  });
});
