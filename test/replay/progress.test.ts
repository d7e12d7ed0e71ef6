import { describe, expect, it } from 'vitest';
import { EMPTY_CHECKPOINT } from '../../activities/replay/types.js';
import { DEFAULT_REPLAY_TIMING, type ReplayRunState } from '../../workflows/replay/messages.js';
import { isValidSpeedup, progressOf } from '../../workflows/replay/progress.js';

const HOUR = 3_600_000;
const state = (over: Partial<ReplayRunState> = {}): ReplayRunState => ({
  pipelineId: 'p', parentWorkflowId: 'pipeline-p', streamName: 's', source: 'sample', speedup: 1800, paused: false,
  stopRequested: false, timing: DEFAULT_REPLAY_TIMING,
  summary: { lines: 1_000, bytes: 300_000, trips: 990, malformed: 10, firstEventMs: 0, lastEventMs: 10 * HOUR },
  checkpoint: { ...EMPTY_CHECKPOINT, position: { line: 250, byteOffset: 75_000 }, eventsSent: 245, malformedLines: 5, lastEventMs: 2 * HOUR, lagMs: 3_000 },
  anchor: null, eventsPerSecond: 40, startedAt: '2026-01-01T00:00:00.000Z', resumedFromHeartbeat: 0,
  ...over,
});

describe('replay progress arithmetic', () => {
  it('derives percent from lines read and ETA from remaining event time ÷ speedup plus the lag', () => {
    const p = progressOf(state(), 'running', '2026-01-01T00:01:00.000Z');
    expect(p).toMatchObject({ eventsSent: 245, eventsTotal: 990, percent: 25, lagSeconds: 3, malformedLines: 5, eventsPerSecond: 40 });
    expect(p.etaSeconds).toBeCloseTo((8 * 3600) / 1800 + 3, 5);
  });

  it('at speedup max, estimates the ETA from the measured rate', () => {
    expect(progressOf(state({ speedup: 'max' }), 'running', 'now').etaSeconds).toBeCloseTo((990 - 245) / 40, 1);
    expect(progressOf(state({ speedup: 'max', eventsPerSecond: 0 }), 'running', 'now').etaSeconds).toBeNull();
  });

  it('shows no rate while paused, and 100 % with no ETA left when completed', () => {
    expect(progressOf(state(), 'paused', 'now').eventsPerSecond).toBe(0);
    expect(progressOf(state(), 'completed', 'now')).toMatchObject({ percent: 100, etaSeconds: 0 });
  });

  it('knows nothing of totals before the source is described', () => {
    expect(progressOf(state({ summary: null, checkpoint: null }), 'running', 'now')).toMatchObject({
      eventsSent: 0, eventsTotal: null, percent: null, etaSeconds: null,
    });
  });

  it('accepts speedups above 0 up to 1,000,000, or max', () => {
    expect([1800, 0.5, 1_000_000, 'max'].every(isValidSpeedup)).toBe(true);
    expect([0, -1, 1_000_001, Number.NaN, '1800', null].some(isValidSpeedup)).toBe(false);
  });
});
