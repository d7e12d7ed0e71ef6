/**
 * adaptive under KPL aggregation (issue 12, patch scaling-adaptive-v4): IncomingRecords counts Kinesis records,
 * the job's numRecordsInPerSecond counts user records. Shards stay sized on Kinesis records and bytes; Flink is
 * sized on user records (the factor read from GetRecords.Records against numRecordsInPerSecond).
 */
import { describe, expect, it } from 'vitest';
import { adaptivePolicy as policy, type AdaptiveState } from '../../scaling/policies/adaptive.js';
import { adaptiveV3Policy } from '../../scaling/policies/v3/adaptive.js';
import type { Capacity, MetricsSample, PolicyConfig, ScalingPolicy, ScalingTarget } from '../../scaling/types.js';
import { T0, config, observation, sample } from './helpers.js';

/** One minute: `kinesis` Kinesis records/s accepted, each carrying `factor` user records of `userBytes` bytes. */
type Period = { kinesis: number; factor: number; lagMs?: number; userBytes?: number; flinkMetrics?: boolean };

function period(t: number, p: number, { kinesis, factor, lagMs = 0, userBytes = 100, flinkMetrics = true }: Period): MetricsSample {
  // A job with a backlog works flat out (4,400 user records/s per parallelism); otherwise it processes what arrives.
  const users = lagMs > 0 ? p * 4400 : kinesis * factor;
  return sample(t, {
    incomingRecords: kinesis * 60, incomingBytes: kinesis * 60 * factor * userBytes,
    millisBehindLatest: lagMs, iteratorAgeMs: lagMs,
    numRecordsInPerSecond: flinkMetrics ? users : null,
    getRecordsRecords: flinkMetrics ? (users / factor) * 60 : null,
    cpuUtilization: flinkMetrics ? Math.min(100, (100 * users) / (p * 4400)) : null,
  });
}

/** Runs a policy a minute at a time at a fixed capacity; returns its decisions and every tick's reasons. */
function run(subject: ScalingPolicy, minutes: number, capacity: Partial<Capacity>, shape: (i: number) => Period, c: PolicyConfig) {
  let state = subject.initialState(c);
  const cap = { shards: 8, parallelism: 1, parallelismPerKpu: 1, ...capacity };
  const out: Array<{ minute: number; target: ScalingTarget; reasons: string }> = [];
  const reasons: string[] = [];
  for (let i = 0; i < minutes; i++) {
    const t = T0 + i * 60;
    const r = subject.decide(state, observation(t + 120, [period(t, cap.parallelism, shape(i))], cap), c);
    state = r.nextState;
    reasons.push(r.decision.reasons.join(' | '));
    if (r.decision.kind === 'scale') out.push({ minute: i, target: r.decision.target, reasons: r.decision.reasons.join(' | ') });
  }
  return { out, state: state as AdaptiveState, reasons };
}

describe('adaptive v4: Flink sized on user records under KPL aggregation', () => {
  it('a job falling behind on 2,000 Kinesis records/s of 10 user records each grows for 20,000 user records/s', () => {
    const c = config();
    // Parallelism 1 drains 4,400 user records/s = 440 Kinesis records/s: the backlog grows a minute at a time.
    const { out, state } = run(policy, 6, { parallelism: 1 }, (i) => ({ kinesis: 2000, factor: 10, lagMs: 20_000 * (i + 1) }), c);
    const grow = out.find((d) => d.target.parallelism !== undefined);
    expect(state.aggregation).toBeCloseTo(10, 5);
    // 20,000 user records/s at 4,400 per parallelism: at least 5 (4.5 rounded up), before any catch-up or headroom.
    expect(grow?.target.parallelism).toBeGreaterThanOrEqual(5);
    expect(grow?.reasons).toMatch(/KPL aggregation: 10 user records per Kinesis record/);
    // 2,000 Kinesis records/s of 1,000 bytes (2 MB/s) fit the 8 shards: the stream is not touched.
    expect(out.every((d) => d.target.shards === undefined)).toBe(true);
  });

  it('keeps the parallelism 10,000 user records/s need, where the Kinesis-record count (1,000/s) would fit parallelism 1', () => {
    const c = config();
    const shape = (): Period => ({ kinesis: 1000, factor: 10 });
    const live = run(policy, 90, { parallelism: 4 }, shape, c);
    const v3 = run(adaptiveV3Policy, 90, { parallelism: 4 }, shape, c);
    // The frozen v3 rules read 1,000 records/s and cut to 1 (the bug this version fixes) …
    expect(v3.out.map((d) => d.target.parallelism)).toContain(1);
    // … today's rules know each Kinesis record holds 10 user records: 10,000/s need more than 2 × 4,400.
    const cuts = live.out.map((d) => d.target.parallelism).filter((x): x is number => x !== undefined);
    expect(Math.min(4, ...cuts)).toBeGreaterThanOrEqual(3);
  });

  it('sizes shards on bytes: 10 user records of 300 bytes per Kinesis record bind at 1 MB/s, not at 1,000 records/s', () => {
    const c = config();
    // 600 Kinesis records/s (60 % of the records limit) × 3,000 bytes = 1.8 MB/s per shard on 1 shard.
    const { out } = run(policy, 4, { shards: 1, parallelism: 8 }, () => ({ kinesis: 600, factor: 10, userBytes: 300 }), c);
    const grow = out.find((d) => d.target.shards !== undefined);
    expect(grow?.target.shards).toBeGreaterThanOrEqual(2);
  });

  it('a period without Flink metrics (job restarting) keeps the last factor instead of reading plain input', () => {
    const c = config();
    const { state } = run(policy, 5, { parallelism: 4 }, (i) => ({ kinesis: 1000, factor: 8, flinkMetrics: i < 3 }), c);
    expect(state.aggregation).toBeCloseTo(8, 5);
  });

  it('plain input (under 2 user records per Kinesis record, or no GetRecords.Records) decides exactly as v3', () => {
    const c = config();
    const ramp = (i: number): Period => ({ kinesis: 1500 + 150 * i, factor: 1, lagMs: i > 20 && i < 25 ? 30_000 : 0 });
    const live = run(policy, 60, { parallelism: 1 }, ramp, c);
    const v3 = run(adaptiveV3Policy, 60, { parallelism: 1 }, ramp, c);
    expect(live.out.length).toBeGreaterThan(0);
    expect(live.out.map((d) => [d.minute, d.target])).toEqual(v3.out.map((d) => [d.minute, d.target]));
    expect(live.state.aggregation).toBe(1);
  });
});
