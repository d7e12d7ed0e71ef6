/**
 * The SLO-minute breakdown (bench/scaling/slo-causes.ts) the scaling findings rest on: every minute above the SLO
 * is counted once, under the cause that held in it, and a drain minute under the cause that began its episode.
 */
import { describe, expect, it } from 'vitest';
import { causeOf, sloCauses, type MinuteFacts } from '../../bench/scaling/slo-causes.js';
import { DEFAULT_SIM_OPTIONS } from '../../bench/scaling/sim/simulate.js';
import { parseTrace } from '../../bench/scaling/sim/trace.js';

const calm: MinuteFacts = {
  lagSeconds: 90, stalled: false, restarting: false, lastFlinkChangeDown: false, throttled: false, quotaUsed: false,
  resharding: false, atMaxShards: false, streamFitsDemand: true, flinkShort: false,
};

describe('causeOf: one cause per minute above the SLO', () => {
  it('names a stalled job first: no capacity helps there', () => {
    expect(causeOf({ ...calm, stalled: true, restarting: true, throttled: true }, null)).toBe('stalled');
  });

  it('tells a scale-out restart under throttling from one without, and from a scale-in restart', () => {
    expect(causeOf({ ...calm, restarting: true, throttled: true }, null)).toBe('restartThrottled');
    expect(causeOf({ ...calm, restarting: true }, null)).toBe('restartUp');
    expect(causeOf({ ...calm, restarting: true, lastFlinkChangeDown: true }, null)).toBe('restartDown');
  });

  it('splits throttled minutes by what held the stream back', () => {
    const throttled = { ...calm, throttled: true, streamFitsDemand: false };
    expect(causeOf({ ...throttled, quotaUsed: true, resharding: true }, null)).toBe('quota');
    expect(causeOf({ ...throttled, resharding: true }, null)).toBe('resharding');
    expect(causeOf({ ...throttled, atMaxShards: true }, null)).toBe('atMax');
    expect(causeOf({ ...throttled, streamFitsDemand: true }, null)).toBe('draining');
    expect(causeOf(throttled, null)).toBe('noReshard');
  });

  it('counts a drain minute under the cause of the minute before it', () => {
    expect(causeOf(calm, 'resharding')).toBe('resharding');
    expect(causeOf(calm, null)).toBe('before');
    expect(causeOf({ ...calm, flinkShort: true, lastFlinkChangeDown: true }, 'resharding')).toBe('shortAfterIn');
  });
});

describe('sloCauses on a simulated step', () => {
  it('accounts for every SLO minute adaptive spent, and puts a step beyond the stream under throttling', () => {
    // 1,500 rec/s for an hour (the stream scales in), then 12,000 rec/s: several doublings while producers are throttled.
    const rows = Array.from({ length: 120 }, (_, m) => `${m * 60},${m < 60 ? 1500 : 12_000},350`);
    const trace = parseTrace('step', `t_seconds,records_per_second,avg_record_bytes\n${rows.join('\n')}\n`);
    const result = sloCauses(trace, DEFAULT_SIM_OPTIONS);
    const counted = Object.values(result.byCause).reduce((a, v) => a + v.minutes, 0);
    expect(result.sloMinutes).toBeGreaterThan(0);
    expect(counted).toBe(result.sloMinutes);
    const throttledMinutes = (['resharding', 'noReshard', 'atMax', 'draining', 'restartThrottled'] as const)
      .reduce((a, c) => a + (result.byCause[c]?.minutes ?? 0), 0);
    expect(throttledMinutes).toBeGreaterThan(result.sloMinutes / 2);
  });
});
