import { describe, expect, it } from 'vitest';
import {
  aggregationFactor, articleStepGapsPolicy, articleStepPolicy as policy, flinkScaleInStep, flinkScaleOutStep, type ArticleStepState,
} from '../../scaling/policies/article-step.js';
import { articleStepV1Policy, type ArticleStepV1State } from '../../scaling/policies/v1/article-step.js';
import type { Observation, PolicyState, ScalingPolicy } from '../../scaling/types.js';
import { T0, config, observation, sample } from './helpers.js';

const cfg = config();

/**
 * Feeds one 60 s period per tick from T0, as the workflow does: a number is IncomingRecords,
 * null a period without a datapoint, undefined a period the policy never saw (a gap).
 */
function feed(p: ScalingPolicy<ArticleStepState> | ScalingPolicy<ArticleStepV1State>, minutes: Array<number | null | undefined>, capacity: Partial<Observation['capacity']>) {
  let state: PolicyState = p.initialState(cfg);
  let decision = p.decide(state as never, observation(T0, [], capacity), cfg).decision;
  minutes.forEach((records, i) => {
    if (records === undefined) return;
    const r = p.decide(state as never, observation(T0 + (i + 1) * 60, [sample(T0 + i * 60, { incomingRecords: records })], capacity), cfg);
    state = r.nextState;
    decision = r.decision;
  });
  return decision;
}

/** Feeds one 60 s period per tick, the way the workflow does on AWS. */
function run(perMinute: number[], capacity: Observation['capacity'] | Partial<Observation['capacity']> = {}, extra: Partial<Observation> = {}) {
  let state: ArticleStepState = policy.initialState(cfg);
  let last = policy.decide(state, observation(T0, [], capacity, extra), cfg);
  perMinute.forEach((records, i) => {
    const obs = observation(T0 + (i + 1) * 60, [sample(T0 + i * 60, { incomingRecords: records })], capacity, extra);
    last = policy.decide(state, obs, cfg);
    state = last.nextState;
  });
  return { state, decision: last.decision };
}

describe('article-step shards: +1 when one 60 s period exceeds 80 % of write capacity', () => {
  it.each([
    // shards, IncomingRecords in one minute, expected target
    [1, 48_000, undefined], // equal is not above
    [1, 48_001, 2],
    [1, 61_200, 2],
    [8, 384_000, undefined],
    [8, 384_001, 9],
    [15, 720_001, 16],
  ])('%i shards, %i records/min → %s', (shards, records, expected) => {
    const { decision } = run([records], { shards, parallelism: 32 });
    expect(decision.target.shards).toBe(expected);
  });

  it('states the reason in words and numbers', () => {
    const { decision } = run([61_200], { shards: 1, parallelism: 32 });
    expect(decision.reasons[0]).toBe('IncomingRecords 61,200/min > 48,000 = 80 % of 1 shard → 2 shards');
  });

  it('never goes above 16 shards', () => {
    const { decision } = run([1_000_000], { shards: 16, parallelism: 32 });
    expect(decision.target.shards).toBeUndefined();
    expect(decision.reasons[0]).toMatch(/outside 8…16/);
  });

  it('scales the rule by periodSeconds: 1 s periods compare per-second rates with 800/s per shard', () => {
    const state = policy.initialState(cfg);
    const above = policy.decide(state, observation(T0 + 1, [sample(T0, { incomingRecords: 801 }, 1)], { shards: 1, parallelism: 32 }), cfg);
    const at = policy.decide(state, observation(T0 + 1, [sample(T0, { incomingRecords: 800 }, 1)], { shards: 1, parallelism: 32 }), cfg);
    expect(above.decision.target.shards).toBe(2);
    expect(at.decision.target.shards).toBeUndefined();
  });

  it('treats a missing IncomingRecords datapoint as no evidence for shards', () => {
    const state = policy.initialState(cfg);
    const { decision } = policy.decide(state, observation(T0 + 60, [sample(T0)], { shards: 1, parallelism: 1 }), cfg);
    expect(decision.target.shards).toBeUndefined();
  });
});

describe('article-step shards: −1 after three consecutive low 300 s windows', () => {
  // 8 shards: the number is 0.8 × 1000 × 8 × 60 = 384,000, compared with 300 s sums.
  const lowMinute = 384_000 / 5 - 1; // a 300 s sum of 383,995
  it('scales in at the end of the third low window, not before', () => {
    expect(run(Array(14).fill(lowMinute)).decision.target.shards).toBeUndefined();
    expect(run(Array(15).fill(lowMinute)).decision.target.shards).toBe(7);
  });

  it('does not scale in when one window sums to exactly the number', () => {
    const minutes = [...Array(5).fill(lowMinute), ...Array(5).fill(384_000 / 5), ...Array(5).fill(lowMinute)];
    expect(run(minutes).decision.target.shards).toBeUndefined();
  });

  it('ignores a 300 s window without any datapoint instead of counting it low', () => {
    const base = Array(15).fill(lowMinute) as Array<number | null>;
    base.fill(null, 5, 10);
    let state = policy.initialState(cfg);
    let target: number | undefined;
    base.forEach((records, i) => {
      const r = policy.decide(state, observation(T0 + (i + 1) * 60, [sample(T0 + i * 60, { incomingRecords: records })]), cfg);
      state = r.nextState;
      target = r.decision.target.shards;
    });
    expect(target).toBeUndefined();
  });

  it('does not count a window with a missing period towards the three low windows: the run starts again after it', () => {
    const minutes = Array(15).fill(lowMinute) as Array<number | null>;
    minutes[7] = null;
    expect(feed(policy, minutes, { shards: 8 }).target.shards).toBeUndefined();
    // The complete low window after the broken one, and two more, are a run again.
    expect(feed(policy, [...minutes, ...Array(9).fill(lowMinute)], { shards: 8 }).target.shards).toBeUndefined();
    expect(feed(policy, [...minutes, ...Array(10).fill(lowMinute)], { shards: 8 }).target.shards).toBe(7);
  });

  it('does not join low windows across a window it never saw (paused, or during an action)', () => {
    const minutes = Array(20).fill(lowMinute) as Array<number | undefined>;
    minutes.fill(undefined, 10, 15); // the third window is a gap: no sample at all
    expect(feed(policy, minutes, { shards: 8 }).target.shards).toBeUndefined();
  });

  it('never goes below 1 shard', () => {
    expect(run(Array(15).fill(0), { shards: 1, parallelism: 1 }).decision.target.shards).toBeUndefined();
  });
});

describe('article-step Flink: steps on the 4,400 records/s unit', () => {
  it.each([
    // over the threshold p × 4400 → step (pinned to SCALING.md)
    [0, 1], [4399, 1], [4400, 2], [8799, 2], [8800, 4], [13_199, 4], [13_200, 8], [100_000, 8],
  ])('rate %i above the threshold → +%i', (over, step) => {
    expect(flinkScaleOutStep(over, 4400)).toBe(step);
  });

  it.each([
    [0, 1], [-4399, 1], [-4400, 2], [-8799, 2], [-8800, 3], [-13_199, 3], [-13_200, 4], [-100_000, 4],
  ])('rate %i relative to (p − 1) × 4400 → −%i', (under, step) => {
    expect(flinkScaleInStep(under, 4400)).toBe(step);
  });

  it.each([
    // parallelism, records per minute, expected parallelism
    [1, 4399 * 60, undefined],
    [1, 4400 * 60, 2],
    [1, 8800 * 60, 3],
    [2, 22_000 * 60, 10], // threshold 8,800; over by exactly 13,200 → +8
    [30, 200_000 * 60, 32], // capped at the upper bound
  ])('parallelism %i with %i records/min → %s', (p, records, expected) => {
    const { decision } = run([records], { shards: 16, parallelism: p });
    expect(decision.target.parallelism).toBe(expected);
  });

  it('scales in only after two consecutive periods at or below (p − 1) × 4400', () => {
    const one = run([4400 * 60], { shards: 16, parallelism: 2 });
    const two = run([4400 * 60, 4400 * 60], { shards: 16, parallelism: 2 });
    const broken = run([4400 * 60, 4401 * 60], { shards: 16, parallelism: 2 });
    expect(one.decision.target.parallelism).toBeUndefined();
    expect(two.decision.target.parallelism).toBe(1);
    expect(broken.decision.target.parallelism).toBeUndefined();
  });

  it('removes −4 when the rate is 13,200 or more below (p − 1) × 4400', () => {
    // p = 10: threshold 39,600; rate 26,400 is 13,200 below → 6
    expect(run([26_400 * 60, 26_400 * 60], { shards: 16, parallelism: 10 }).decision.target.parallelism).toBe(6);
  });

  it('does not count a period without an IncomingRecords datapoint as low (0 records/s)', () => {
    const capacity = { shards: 16, parallelism: 6 };
    expect(feed(policy, [null, null], capacity).target.parallelism).toBeUndefined();
    expect(feed(policy, [0, null], capacity).target.parallelism).toBeUndefined();
    expect(feed(policy, [null, 0, 0], capacity).target.parallelism).toBe(2);
  });

  it('does not join two low periods across a period it never saw', () => {
    const capacity = { shards: 16, parallelism: 2 };
    expect(feed(policy, [4400 * 60, undefined, 4400 * 60], capacity).target.parallelism).toBeUndefined();
    expect(feed(policy, [4400 * 60, undefined, 4400 * 60, 4400 * 60], capacity).target.parallelism).toBe(1);
  });

  it('decides only on a new period: a tick without one does not act on the old periods later (say, after a pause)', () => {
    const capacity = { shards: 16, parallelism: 2 };
    // Two low periods while the Flink cooldown runs, then a tick past the cooldown with nothing new.
    let state = { ...policy.initialState(cfg), flinkCooldownUntil: T0 + 150 };
    for (let i = 0; i < 2; i++) state = policy.decide(state, observation(T0 + (i + 1) * 60, [sample(T0 + i * 60, { incomingRecords: 4400 * 60 })], capacity), cfg).nextState;
    const later = policy.decide(state, observation(T0 + 600, [], capacity), cfg).decision;
    expect(later.target.parallelism).toBeUndefined();
    expect(later.reasons).toEqual(['no new period since the last decision']);
  });

  it('acts only while the application is RUNNING and the stream is not resharding', () => {
    expect(run([9000 * 60], { shards: 16 }, { applicationStatus: 'UPDATING' }).decision.target.parallelism).toBeUndefined();
    const resharding = run([9000 * 60], { shards: 16 }, { streamStatus: 'UPDATING' }).decision;
    expect(resharding.target.parallelism).toBeUndefined();
    expect(resharding.reasons.join(' ')).toMatch(/stream is UPDATING/);
  });

  it('respects the KPU maximum', () => {
    const limited = { ...cfg, limits: { ...cfg.limits, maxKpus: 4 } };
    const r = policy.decide(policy.initialState(limited), observation(T0 + 60, [sample(T0, { incomingRecords: 20_000 * 60 })], { shards: 16, parallelism: 2 }), limited);
    expect(r.decision.target.parallelism).toBe(3);
  });
});

describe('article-step cooldown and AWS constraints', () => {
  it('waits 600 s after an action before the same resource scales again', () => {
    let state = policy.initialState(cfg);
    const busy = (t: number) => observation(t, [sample(t - 60, { incomingRecords: 61_200 })], { shards: 1, parallelism: 32 });
    const first = policy.decide(state, busy(T0 + 60), cfg);
    expect(first.decision.target.shards).toBe(2);
    state = policy.onActionOutcome(first.nextState, { at: T0 + 100, target: { shards: 2 }, result: 'applied' }, cfg);
    expect(policy.decide(state, busy(T0 + 699), cfg).decision.target.shards).toBeUndefined();
    expect(policy.decide(state, busy(T0 + 700), cfg).decision.target.shards).toBe(2);
  });

  it('keeps the Flink and shard cooldowns apart', () => {
    const first = policy.decide(policy.initialState(cfg), observation(T0 + 60, [sample(T0, { incomingRecords: 61_200 })], { shards: 1, parallelism: 32 }), cfg);
    const later = policy.decide(first.nextState, observation(T0 + 120, [sample(T0 + 60, { incomingRecords: 4400 * 60 })], { shards: 16, parallelism: 1 }), cfg);
    expect(later.decision.target.parallelism).toBe(2);
  });

  it('proposes no UpdateShardCount when 10 calls were made in the last 24 h', () => {
    const now = T0 + 86_400;
    const times = Array.from({ length: 10 }, (_, i) => now - 86_000 + i * 100);
    const obs = observation(now, [sample(now - 60, { incomingRecords: 61_200 })], { shards: 1, parallelism: 32 }, { shardUpdateTimes: times });
    const r = policy.decide(policy.initialState(cfg), obs, cfg);
    expect(r.decision.target.shards).toBeUndefined();
    expect(r.decision.reasons[0]).toMatch(/quota used up \(10 of 10/);
    const older = { ...obs, shardUpdateTimes: [now - 86_400, ...times.slice(1)] };
    expect(policy.decide(policy.initialState(cfg), older, cfg).decision.target.shards).toBe(2);
  });

  it('proposes no UpdateShardCount while the stream is UPDATING', () => {
    expect(run([61_200], { shards: 1, parallelism: 32 }, { streamStatus: 'UPDATING' }).decision.target.shards).toBeUndefined();
  });

  it('rejects unknown parameters and out-of-range values', () => {
    expect(policy.validateParameters({ recordsPerSecondPerParallelism: 4400 })).toEqual([]);
    expect(policy.validateParameters({ bogus: 1 })[0]?.[0]).toBe('bogus');
    expect(policy.validateParameters({ shardScaleOutUtilization: 2 })[0]?.[1]).toMatch(/between/);
  });
});

describe('article-step v1 (frozen: runs that began deciding with it keep it, so their histories replay)', () => {
  const lowMinute = 384_000 / 5 - 1;
  it('still counts missing as 0, joins runs across gaps and re-decides on old periods — what v2 fixed', () => {
    const withMissing = Array(15).fill(lowMinute) as Array<number | null>;
    withMissing[7] = null;
    expect(feed(articleStepV1Policy, withMissing, { shards: 8 }).target.shards).toBe(7);
    expect(feed(articleStepV1Policy, [null, null], { shards: 16, parallelism: 6 }).target.parallelism).toBe(2);
    expect(feed(articleStepV1Policy, [4400 * 60, undefined, 4400 * 60], { shards: 16, parallelism: 2 }).target.parallelism).toBe(1);
  });

  it('reads the state v2 writes, and v2 reads the state v1 wrote (a worker rolled back, or a run continued as new)', () => {
    const capacity = { shards: 16, parallelism: 2 };
    const low = (t: number) => observation(t + 60, [sample(t, { incomingRecords: 4400 * 60 })], capacity);
    const fromV2 = articleStepV1Policy.decide(policy.decide(policy.initialState(cfg), low(T0), cfg).nextState, low(T0 + 60), cfg);
    expect(fromV2.decision.target.parallelism).toBe(1);
    const v1State = articleStepV1Policy.decide(articleStepV1Policy.initialState(cfg), low(T0), cfg).nextState;
    // v1's rates carry no timestamps, so they cannot start a run of consecutive periods.
    expect(policy.decide(v1State, low(T0 + 60), cfg).decision.target.parallelism).toBeUndefined();
    const next = policy.decide(policy.decide(v1State, low(T0 + 60), cfg).nextState, low(T0 + 120), cfg);
    expect(next.decision.target.parallelism).toBe(1);
  });
});
describe('article-step with KPL-aggregated input (bytes and user records, patch scaling-article-step-bytes)', () => {
  // 140 trips of ~360 B per Kinesis record: 300 Kinesis records/s carry 42,000 trips/s and ~15 MB/s.
  const aggregated = (kinesisPerMinute: number, bytesPerMinute: number, userPerSecond: number) => sample(T0, {
    incomingRecords: kinesisPerMinute, incomingBytes: bytesPerMinute,
    numRecordsInPerSecond: userPerSecond, getRecordsRecords: kinesisPerMinute,
  });

  it('adds a shard when IncomingBytes exceed 80 % of 1 MB/s per shard while IncomingRecords stay far below 80 % of 1,000/s', () => {
    // 1 shard: 2,000 Kinesis records/min (3 % of 48,000) carrying 54 MB/min (> 48 MB = 80 % of 60 MB).
    const obs = observation(T0 + 60, [aggregated(2_000, 54_000_000, 4_600)], { shards: 1, parallelism: 32 });
    const { decision } = policy.decide(policy.initialState(cfg), obs, cfg);
    expect(decision.target.shards).toBe(2);
    expect(decision.reasons[0]).toBe('IncomingBytes 54,000,000/min > 48,000,000 = 80 % of 1 shard (1 MB/s each) → 2 shards');
    // Without the bytes rule (runs recorded before the patch) saw only the 2,000 Kinesis records and kept one shard.
    const v1 = articleStepGapsPolicy.decide(articleStepGapsPolicy.initialState(cfg), obs, cfg);
    expect(v1.decision.target.shards).toBeUndefined();
  });

  it('keeps a shard while the bytes are high, though IncomingRecords windows are low', () => {
    let state: ArticleStepState = policy.initialState(cfg);
    let last;
    for (let i = 0; i < 15; i += 1) {
      // 2 shards: 5-minute windows of 75,000 Kinesis records (< 96,000, as the article compares) but 90 MB a minute.
      const s = sample(T0 + i * 60, { incomingRecords: 15_000, incomingBytes: 90_000_000 });
      last = policy.decide(state, observation(T0 + (i + 1) * 60, [s], { shards: 2, parallelism: 32 }), cfg);
      state = last.nextState;
    }
    expect(last?.decision.target.shards).toBeUndefined();
    let v1State: ArticleStepState = articleStepGapsPolicy.initialState(cfg);
    let v1Last;
    for (let i = 0; i < 15; i += 1) {
      const s = sample(T0 + i * 60, { incomingRecords: 15_000, incomingBytes: 90_000_000 });
      v1Last = articleStepGapsPolicy.decide(v1State, observation(T0 + (i + 1) * 60, [s], { shards: 2, parallelism: 32 }), cfg);
      v1State = v1Last.nextState;
    }
    // Without it, article-step merged to 1 shard, whose 1 MB/s cannot take 1.5 MB/s.
    expect(v1Last?.decision.target.shards).toBe(1);
  });

  it('sizes Flink on user records: Kinesis records/s × user records per Kinesis record read', () => {
    // 300 Kinesis records/s × 140 = 42,000 trips/s; parallelism 4 at 4,400 each is over by 24,400 → +8.
    const obs = observation(T0 + 60, [aggregated(18_000, 380_000_000, 17_600)], { shards: 8, parallelism: 4 });
    // The job processes 17,600/s (all it can): 17,600 × 60 / (its reads: 7,543 Kinesis records) ≈ 140 per record.
    obs.samples[0]!.getRecordsRecords = 7_543;
    const { decision } = policy.decide(policy.initialState(cfg), obs, cfg);
    expect(decision.target.parallelism).toBe(12);
    expect(decision.reasons[1]).toMatch(/^user-record input \(140 per Kinesis record\) 4[12],\d{3} rec\/s ≥ 17,600 = 4 × 4,400/);
    const v1 = articleStepGapsPolicy.decide(articleStepGapsPolicy.initialState(cfg), obs, cfg);
    // Without it, article-step saw 300 records/s and wanted to scale in.
    expect(v1.decision.target.parallelism ?? 4).toBeLessThanOrEqual(4);
  });

  it('reads plain input (a factor under 2, e.g. read-ahead skew) exactly as without the rule', () => {
    const plain = sample(T0, { incomingRecords: 600_000, incomingBytes: 210_000_000, numRecordsInPerSecond: 13_000, getRecordsRecords: 600_000 });
    const obs = observation(T0 + 60, [plain], { shards: 16, parallelism: 2 });
    const v2 = policy.decide(policy.initialState(cfg), obs, cfg);
    const v1 = articleStepGapsPolicy.decide(articleStepGapsPolicy.initialState(cfg), obs, cfg);
    expect(aggregationFactor(plain)).toBe(1);
    expect(v2.decision.target).toEqual(v1.decision.target);
    expect(v2.decision.reasons[1]).toBe(v1.decision.reasons[1]);
  });
});
