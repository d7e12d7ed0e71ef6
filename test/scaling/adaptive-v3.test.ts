/**
 * adaptive's v3 rules (issue 16, second round), each found by reading the generated
 * traces' misses decision by decision: a throttle's retries are not a ramp; a scale-in
 * pays for the restart back only when recent demand needed the larger capacity; with
 * slow restarts one scale-out covers every doubling the stream still needs.
 */
import { describe, expect, it } from 'vitest';
import { adaptivePolicy as policy, type AdaptiveState } from '../../scaling/policies/adaptive.js';
import type { Capacity, MetricsSample, PolicyConfig, ScalingTarget } from '../../scaling/types.js';
import { T0, config, observation, sample } from './helpers.js';

type Period = { accepted: number; throttled?: number; lagMs?: number };

function period(t: number, p: number, { accepted, throttled = 0, lagMs = 0 }: Period): MetricsSample {
  // A job with a backlog works flat out; otherwise it processes what arrives.
  const processed = lagMs > 0 ? p * 4400 : accepted;
  return sample(t, {
    incomingRecords: accepted * 60, incomingBytes: accepted * 60 * 350, writeProvisionedThroughputExceeded: throttled * 60,
    millisBehindLatest: lagMs, iteratorAgeMs: lagMs, numRecordsInPerSecond: processed, cpuUtilization: Math.min(100, (100 * processed) / (p * 4400)),
  });
}

/** Runs the policy a minute at a time at a fixed capacity; returns its decisions and every tick's reasons. */
function run(minutes: number, capacity: Partial<Capacity>, shape: (i: number) => Period, c: PolicyConfig, start?: AdaptiveState) {
  let state = start ?? policy.initialState(c);
  const cap = { shards: 16, parallelism: 1, parallelismPerKpu: 1, ...capacity };
  const out: Array<{ minute: number; target: ScalingTarget; reasons: string }> = [];
  const reasons: string[] = [];
  for (let i = 0; i < minutes; i++) {
    const t = T0 + i * 60;
    const r = policy.decide(state, observation(t + 120, [period(t, cap.parallelism, shape(i))], cap), c);
    state = r.nextState;
    reasons.push(r.decision.reasons.join(' | '));
    if (r.decision.kind === 'scale') out.push({ minute: i, target: r.decision.target, reasons: r.decision.reasons.join(' | ') });
  }
  return { out, state, reasons };
}

const withRestart = (seconds: number, c: PolicyConfig): AdaptiveState => ({ ...policy.initialState(c), restartSeconds: seconds });

describe('adaptive v3: a throttle is not a ramp', () => {
  it('throttled periods (retries counted with new records) give no trend; the same rise accepted does', () => {
    const c = config();
    // Producers offer a steady 9,000 rec/s to 8 shards: the throttled count grows as retries pile up.
    const throttled = run(6, { shards: 8, parallelism: 3 }, (i) => (i < 2 ? { accepted: 7000 } : { accepted: 8000, throttled: 1000 + 1500 * i }), c);
    expect(throttled.reasons[5]).toMatch(/trend \+0 rec\/s per min/);
    // A real ramp the stream accepts is a trend.
    const ramp = run(6, { shards: 16, parallelism: 3 }, (i) => ({ accepted: 7000 + 750 * i }), c);
    expect(ramp.reasons[5]).toMatch(/trend \+[1-9][\d,]* rec\/s per min/);
  });
});

describe('adaptive v3: a scale-in is charged for the restart back only when demand is likely to return', () => {
  // 180 s restarts at 1,000 rec/s: the lag passes the 55 s target for 125 s and parallelism 1 (4,400 rec/s) drains it at
  // 3,400 rec/s, so each restart costs 125 × 4,400 ÷ 3,400 s ≈ 2.7 SLO minutes ($1 each; v6 counts the drain, v3–v5 only
  // the 2.1 minutes of the restart itself). p8 → p1 saves 7 KPUs × $0.11 × 4 h = $3.08; one restart ≈ $2.75, two ≈ $5.50.
  it('capacity recent demand never needed (an over-sized scale-out) is cut, paying one restart', () => {
    const c = config();
    const { out } = run(60, { parallelism: 8 }, () => ({ accepted: 1000 }), c, withRestart(180, c));
    const cut = out.find((d) => d.target.parallelism !== undefined);
    expect(cut?.target.parallelism).toBe(1);
    expect(cut?.reasons).toMatch(/saves \$3\.080 over 14,400 s > \$2\.7\d\d of downtime/);
  });

  it('a low after demand the smaller capacity could not carry is a trough: two restarts are charged and it holds', () => {
    const c = config();
    const { out, reasons } = run(80, { parallelism: 8 }, (i) => ({ accepted: i < 20 ? 12_000 : 1000 }), c, withRestart(180, c));
    expect(out.filter((d) => d.target.parallelism !== undefined)).toEqual([]);
    expect(reasons.some((r) => /parallelism 1 would do, but saves only \$3\.080 before demand returns \(downtime worth \$5\.5\d\d, 2\.7 SLO minutes per restart while down and draining\)/.test(r))).toBe(true);
  });
});

describe('adaptive v3: with slow restarts, one scale-out covers the stream\'s remaining doublings', () => {
  // 4 shards, 4,000 accepted and 12,000 throttled (half counted): 10,000 rec/s offered. This reshard reaches 8 shards
  // (2×), the stream needs ~12: 8,000 rec/s get in after this step, 10,000 after the next.
  const shape = () => ({ accepted: 4000, throttled: 12_000 });
  it('a 3-minute restart sizes Flink for the demand after every doubling, not for this step only', () => {
    const c = config();
    const slow = run(1, { shards: 4, parallelism: 1 }, shape, c, withRestart(180, c)).out[0]!;
    const fast = run(1, { shards: 4, parallelism: 1 }, shape, c, withRestart(45, c)).out[0]!;
    expect(slow.target.shards).toBe(8);
    expect(fast.target.shards).toBe(8);
    // 45 s: 8,000 × (1 + 45/300) ÷ (4,400 × 0.9) → 3. 180 s: 10,000 × (1 + 180/900) ÷ (4,400 × 0.9) → 4 (≤ 8 shards × 1).
    expect(fast.target.parallelism).toBe(3);
    expect(slow.target.parallelism).toBe(4);
  });
});

describe('adaptive v3: a backlog is caught up over the time the scale-out was sized for', () => {
  // 16,000 rec/s at parallelism 5 (22,000 rec/s): 6,000 rec/s to spare, and a 200 s lag (3.2 M records) draining.
  const shape = (i: number) => ({ accepted: 16_000, lagMs: 200_000 - 5_000 * i });
  it('with 3-minute restarts the spare capacity drains it within 5 restart downtimes (15 min): no further restart', () => {
    const c = config();
    const { out, reasons } = run(3, { parallelism: 5 }, shape, c, withRestart(180, c));
    expect(out.filter((d) => d.target.parallelism !== undefined)).toEqual([]);
    expect(reasons[2]).toMatch(/lag 190,000 ms/);
  });
  it('with 45 s restarts it is caught up within 5 minutes, which needs more parallelism', () => {
    const c = config();
    const { out } = run(3, { parallelism: 5 }, shape, c, withRestart(45, c));
    expect(out[0]?.target.parallelism).toBeGreaterThan(5);
  });
});
