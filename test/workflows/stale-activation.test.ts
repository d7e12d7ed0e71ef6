/**
 * The stale-activation guard's two checks (workflows/stale-activation.ts): what each refuses, and
 * that neither refuses what a workflow task's own activation can look like (recorded histories
 * replay through it in test/histories; the kill-and-query sequence is in test/workers/stale-activation.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { staleActivationReason } from '../../workflows/stale-activation.js';

const T = Date.parse('2026-12-02T00:07:38.470Z');
const TIMEOUT_MS = 10_000;
const fire = (seq: number) => ({ fireTimer: { seq } });
const deadlines = new Map([[3, T + 885]]);

describe('staleActivationReason', () => {
  it('refuses a timer firing at a workflow time before the timer\'s deadline', () => {
    const reason = staleActivationReason({ jobs: [fire(3)], isReplaying: false }, T, deadlines, () => T + 11_000 - 1, TIMEOUT_MS);
    expect(reason).toBe('timer 3 fired at workflow time 2026-12-02T00:07:38.470Z, before its deadline 2026-12-02T00:07:39.355Z');
  });

  it('refuses it while replaying too (a replay never resolves a timer early)', () => {
    expect(staleActivationReason({ jobs: [fire(3)], isReplaying: true }, T + 884, deadlines, () => T, TIMEOUT_MS)).toMatch(/^timer 3 fired/);
  });

  it('accepts a timer firing at or after its deadline, and timers it did not see start', () => {
    expect(staleActivationReason({ jobs: [fire(3)], isReplaying: false }, T + 885, deadlines, () => T + 885, TIMEOUT_MS)).toBeNull();
    expect(staleActivationReason({ jobs: [fire(4)], isReplaying: false }, T, deadlines, () => T, TIMEOUT_MS)).toBeNull();
  });

  it('refuses a live activation older than the workflow task timeout, and only a live one that runs code', () => {
    const resolve = [{ resolveActivity: {} }];
    expect(staleActivationReason({ jobs: resolve, isReplaying: false }, T, deadlines, () => T + TIMEOUT_MS + 1, TIMEOUT_MS))
      .toBe('a live activation at workflow time 2026-12-02T00:07:38.470Z is 10001 ms old, past the 10000 ms workflow task timeout');
    expect(staleActivationReason({ jobs: resolve, isReplaying: false }, T, deadlines, () => T + TIMEOUT_MS, TIMEOUT_MS)).toBeNull();
    // A replay runs months-old history: its age says nothing.
    expect(staleActivationReason({ jobs: resolve, isReplaying: true }, T, deadlines, () => T + 90 * 86_400_000, TIMEOUT_MS)).toBeNull();
    // Queries do not advance the workflow.
    expect(staleActivationReason({ jobs: [{ queryWorkflow: {} }], isReplaying: false }, T, deadlines, () => T + 60_000, TIMEOUT_MS)).toBeNull();
  });
});
