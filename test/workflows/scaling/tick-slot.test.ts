/**
 * Each pipeline ticks on its own fixed grid (PATCHES.tickLocalActivity): pipelines created together
 * spread their ticks over the interval instead of ticking in one burst, and a slow tick does not
 * push later ticks back.
 */
import { describe, expect, it } from 'vitest';
import { untilNextTickMs } from '../../../workflows/scaling/tick-slot.js';

describe('untilNextTickMs', () => {
  it('waits for the same slot whenever it is asked within an interval (no drift from slow ticks)', () => {
    const start = Date.UTC(2026, 11, 1, 12, 0, 0);
    const slot = start + untilNextTickMs(start, 10, 'bench-007');
    // Asked anywhere from 9 s to 1 s before the slot (a tick that ended early or late), the answer is the slot.
    for (const before of [9_000, 6_500, 3_000, 1_000]) {
      expect(slot - before + untilNextTickMs(slot - before, 10, 'bench-007')).toBe(slot);
    }
    // The tick at the slot took 2.5 s: the next one is still one interval after the slot.
    expect(slot + 2_500 + untilNextTickMs(slot + 2_500, 10, 'bench-007')).toBe(slot + 10_000);
  });

  it('spreads 200 pipelines created at the same moment over the whole interval', () => {
    const now = Date.UTC(2026, 11, 1, 12, 0, 0);
    const perSecond = new Array<number>(10).fill(0);
    for (let i = 0; i < 200; i++) {
      const wait = untilNextTickMs(now, 10, `bench-${String(i).padStart(3, '0')}`);
      expect(wait).toBeGreaterThanOrEqual(1_000);
      expect(wait).toBeLessThanOrEqual(11_000);
      perSecond[Math.floor((now + wait) / 1000) % 10]! += 1;
    }
    // An even spread is 20 a second; every second gets some, none gets a burst.
    expect(Math.min(...perSecond)).toBeGreaterThan(5);
    expect(Math.max(...perSecond)).toBeLessThan(40);
  });

  it('never answers a slot closer than a second (half an interval for 1 s ticks), so a late tick is not repeated at once', () => {
    const now = Date.UTC(2026, 11, 1, 12, 0, 0);
    for (let t = now; t < now + 20_000; t += 137) {
      expect(untilNextTickMs(t, 10, 'p')).toBeGreaterThanOrEqual(1_000);
      expect(untilNextTickMs(t, 1, 'p')).toBeGreaterThanOrEqual(500);
      expect(untilNextTickMs(t, 1, 'p')).toBeLessThanOrEqual(1_500);
    }
  });
});
