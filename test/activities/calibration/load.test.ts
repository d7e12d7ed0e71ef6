/**
 * The calibration load counts what the stream acknowledged per metric period, so a step is
 * judged on what arrived in the periods whose metrics it reads (issue 13: on a busy machine
 * the load arrives in bursts, and a whole-step average hides where they fell).
 */
import { describe, expect, it } from 'vitest';
import { driveLoad } from '../../../activities/calibration/load.js';
import type { OutgoingRecord } from '../../../activities/replay/batch.js';
import type { RecordSink } from '../../../activities/replay/put-records.js';
import { acceptedRateIn } from '../../../workflows/calibration/analysis.js';

/** A stream that accepts everything, the first call only after a stall (a starved event loop). */
function stallingSink(stallMs: number): RecordSink & { accepted: number } {
  let calls = 0;
  const sink = {
    name: 'fake-trips',
    accepted: 0,
    async putRecords(records: readonly OutgoingRecord[]) {
      calls += 1;
      if (calls === 1) await new Promise((r) => setTimeout(r, stallMs));
      sink.accepted += records.length;
      return records.map(() => ({}));
    },
  };
  return sink;
}

describe('calibration load, counted per period', () => {
  it('counts every acknowledged record in the period it was acknowledged, and nothing twice', { timeout: 20_000 }, async () => {
    const sink = stallingSink(400);
    const out = await driveLoad({ sink: () => sink }, { streamName: 'fake-trips', recordsPerSecond: 2000, durationSeconds: 1.5, keySuffix: 't', bucketSeconds: 1 },
      new AbortController().signal, () => undefined);
    const buckets = out.acceptedByBucket!;
    expect(buckets.reduce((a, b) => a + b.records, 0)).toBe(out.sent);
    expect(out.sent).toBe(sink.accepted);
    // Whole seconds, in order, inside the step.
    expect(buckets.map((b) => b.start)).toEqual([...buckets.map((b) => b.start)].sort((a, b) => a - b));
    for (const b of buckets) {
      expect(Number.isInteger(b.start)).toBe(true);
      expect(b.start).toBeGreaterThanOrEqual(Math.floor(out.startedEpochMs / 1000));
      expect(b.start).toBeLessThanOrEqual(Math.floor(out.endedEpochMs / 1000));
    }
  });

  it('after a stall makes up at most 300 ms of the schedule and skips the rest, rather than sending a burst', { timeout: 20_000 }, async () => {
    const out = await driveLoad({ sink: () => stallingSink(1200) }, { streamName: 'fake-trips', recordsPerSecond: 1000, durationSeconds: 2, keySuffix: 't' },
      new AbortController().signal, () => undefined);
    // The first call took 1.2 s: of the ~1,200 records due by then, at most 300 are made up.
    expect(out.skipped).toBeGreaterThan(500);
    expect(out.sent).toBeLessThan(1600);
  });

  it('keeps its rate when every call takes most of a tick (a busy worker): it tops up on schedule, skipping nothing', { timeout: 20_000 }, async () => {
    // Each call "takes" 200 ms of the load's clock: a tick's pause on top of that would owe 400 ms
    // per tick, over the 300 ms catch-up limit, and a quarter of the rate would be skipped.
    let offsetMs = 0;
    const now = () => Date.now() + offsetMs;
    const sink: RecordSink = {
      name: 'fake-trips',
      async putRecords(records: readonly OutgoingRecord[]) {
        offsetMs += 200;
        return records.map(() => ({}));
      },
    };
    const out = await driveLoad({ sink: () => sink, now }, { streamName: 'fake-trips', recordsPerSecond: 1000, durationSeconds: 4, keySuffix: 't' },
      new AbortController().signal, () => undefined);
    expect(out.skipped).toBeUndefined();
    expect(out.sentPerSecond).toBeGreaterThan(900);
  });

  it('reports no buckets unless asked', { timeout: 20_000 }, async () => {
    const out = await driveLoad({ sink: () => stallingSink(0) }, { streamName: 'fake-trips', recordsPerSecond: 500, durationSeconds: 0.3, keySuffix: 't' },
      new AbortController().signal, () => undefined);
    expect(out.acceptedByBucket).toBeUndefined();
    expect(out.sent).toBeGreaterThan(0);
  });
});

describe('acceptedRateIn', () => {
  const buckets = [{ start: 10, records: 500 }, { start: 11, records: 2600 }, { start: 12, records: 2400 }, { start: 13, records: 3000 }];

  it('is the records acknowledged in [start, end) per second', () => {
    expect(acceptedRateIn(buckets, 11, 13)).toBe(2500);
    expect(acceptedRateIn(buckets, 10, 14)).toBe(8500 / 4);
    // A period with nothing acknowledged counts as zero, not as missing.
    expect(acceptedRateIn(buckets, 13, 15)).toBe(1500);
  });

  it('is null for an empty window', () => {
    expect(acceptedRateIn(buckets, 12, 12)).toBeNull();
  });
});
