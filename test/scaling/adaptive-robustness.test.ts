/**
 * adaptive, robust rather than tuned (issue 16): scale-in hysteresis sized by the restart
 * cost, a restart budget per hour, noise-aware demand, a fast path for a drop that
 * persists, and slow restarts weighed in SLO minutes — each with its reasons in words.
 */
import { describe, expect, it } from 'vitest';
import { adaptivePolicy as policy, type AdaptiveState } from '../../scaling/policies/adaptive.js';
import type { Capacity, MetricsSample, PolicyConfig, ScalingTarget } from '../../scaling/types.js';
import { T0, config, observation, sample } from './helpers.js';

type Period = Partial<MetricsSample> & { rate?: number };

function period(t: number, p: number, { rate = 3000, ...rest }: Period = {}): MetricsSample {
  return sample(t, {
    incomingRecords: rate * 60, incomingBytes: rate * 60 * 350, writeProvisionedThroughputExceeded: 0,
    millisBehindLatest: 0, iteratorAgeMs: 0, numRecordsInPerSecond: rate, cpuUtilization: Math.min(100, (100 * rate) / (p * 4400)),
    ...rest,
  });
}

function targets(minutes: number, capacity: Partial<Capacity>, shape: (i: number) => Period, c: PolicyConfig, start?: AdaptiveState) {
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

describe('adaptive: scale-in hysteresis is sized by the restart cost', () => {
  it('with a learned 3-minute restart it waits 12 restarts (36 min) of low, not 10 minutes', () => {
    const c = config();
    // Teach it a 180 s restart through the downtime metric.
    const learned = targets(3, { parallelism: 6 }, (i) => ({ rate: 3000, downtime: [180_000, 0, 0][i]! }), c).state;
    expect(learned.restartSeconds).toBe(180);
    const { out } = targets(40, { parallelism: 6 }, () => ({ rate: 3000 }), config({ sloMinuteDollars: 0 }), learned);
    const flink = out.filter((d) => d.target.parallelism !== undefined);
    expect(flink.length).toBeGreaterThan(0);
    expect(flink[0]!.minute).toBeGreaterThanOrEqual(35);
  });

  it('a slow restart breaches the SLO by itself: a small saving does not pay for it', () => {
    const c = config();
    const learned = targets(3, { parallelism: 3 }, (i) => ({ rate: 3000, downtime: [180_000, 0, 0][i]! }), c).state;
    const { out, reasons } = targets(60, { parallelism: 3 }, () => ({ rate: 3000 }), c, learned);
    expect(out.filter((d) => d.target.parallelism !== undefined)).toEqual([]); // 3 → 1 saves 2 KPUs × $0.11 × 4 h = $0.88 < 2 SLO minutes × $1
    expect(reasons.some((r) => /saves only/.test(r))).toBe(true);
  });
});

describe('adaptive: restart budget', () => {
  it('no scale-in while the last hour already had the budgeted restarts', () => {
    const c = config();
    let state = policy.initialState(c);
    for (let i = 0; i < 4; i++) state = policy.onActionOutcome(state, { at: T0 - 1800 + i * 300, target: { parallelism: 6 }, result: 'applied' }, c);
    const { out, reasons } = targets(12, { parallelism: 6 }, () => ({ rate: 1000 }), c, state);
    expect(out.filter((d) => d.target.parallelism !== undefined)).toEqual([]);
    expect(reasons.some((r) => /restarts in the last hour used the budget of 4/.test(r))).toBe(true);
  });
});

describe('adaptive: noise-aware demand', () => {
  it('a noisy load (±20 %) keeps headroom: the scale-in target carries the peak plus 1.5 standard deviations of the noise', () => {
    const noisy = (i: number) => ({ rate: 3500 * (1 + 0.2 * Math.sin(i * 2.1)) });
    const quiet = () => ({ rate: 3500 });
    const a = targets(30, { parallelism: 6 }, noisy, config()).out[0]!;
    const b = targets(30, { parallelism: 6 }, quiet, config()).out[0]!;
    expect(a.target.parallelism!).toBeGreaterThan(b.target.parallelism!);
    expect(a.reasons).toMatch(/noise\) fits parallelism/);
  });
});

describe('adaptive: cliff fast path', () => {
  it('a drop of 70 % that persists 8 minutes scales Flink in before the hysteresis window has passed', () => {
    const c = config({ hysteresisRestarts: 40 }); // a 30-minute window
    const cliff = (i: number) => ({ rate: i < 35 ? 12_000 : 3600 });
    const { out } = targets(60, { parallelism: 4 }, cliff, c);
    const cut = out.find((d) => (d.target.parallelism ?? 4) < 4)!;
    expect(cut.minute).toBeLessThan(35 + 30);
    expect(cut.minute).toBeGreaterThanOrEqual(35 + 7); // eight published periods at the low level
    expect(cut.reasons).toMatch(/a lasting drop/);
  });
});
