import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrips } from '../../data/generator.js';
import { RecordBatch, MAX_BYTES_PER_CALL, MAX_RECORDS_PER_CALL } from '../../activities/replay/batch.js';
import { runReplay, type Clock } from '../../activities/replay/engine.js';
import { THROTTLED, type RecordResult, type RecordSink } from '../../activities/replay/put-records.js';
import { EMPTY_CHECKPOINT } from '../../activities/replay/types.js';
import { resolveReplaySource } from '../../activities/replay/sources.js';
import type { OutgoingRecord } from '../../activities/replay/batch.js';

/** Virtual time: sleeping advances it at once, so schedules are checked exactly and instantly. */
function virtualClock(startMs = 1_000_000): Clock & { t: number } {
  const clock = {
    t: startMs,
    now: () => clock.t,
    async sleep(ms: number) {
      clock.t += Math.max(0, ms);
      await Promise.resolve();
    },
  };
  return clock;
}

interface Call {
  atMs: number;
  ids: string[];
}

/** A stream stand-in with the PutRecords per-record contract; `fail` decides each record's fate per call. */
function memorySink(clock: Clock, fail: (callIndex: number, i: number) => string | undefined = () => undefined) {
  const calls: Call[] = [];
  const stored: string[] = [];
  const sink: RecordSink = {
    name: 'memory',
    async putRecords(records: readonly OutgoingRecord[]): Promise<RecordResult[]> {
      const callIndex = calls.length;
      calls.push({ atMs: clock.now(), ids: records.map((r) => r.partitionKey) });
      return records.map((r, i) => {
        const code = fail(callIndex, i);
        if (code) return { errorCode: code, errorMessage: 'simulated' };
        stored.push(r.partitionKey);
        return {};
      });
    },
  };
  return { sink, calls, stored };
}

let dir: string;
let file: string;
let ids: string[];
let dropoffs: number[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-'));
  file = join(dir, 'trips.jsonl');
  const trips = [...generateTrips({ trips: 1_200, seed: 3 })];
  ids = trips.map((t) => t.trip_id);
  dropoffs = trips.map((t) => Date.parse(t.dropoff_datetime));
  const lines = trips.map((t) => JSON.stringify(t));
  lines.splice(100, 0, 'not json');
  lines.splice(700, 0, '{"trip_id":"x"}');
  await writeFile(file, `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fastRetry = { random: () => 0.5 };

describe('replay engine batching', () => {
  it('sends every event once, in file order, in calls of at most 500 records', async () => {
    const clock = virtualClock();
    const { sink, calls, stored } = memorySink(clock);
    const result = await runReplay({ file, sink, speedup: 'max', from: EMPTY_CHECKPOINT, anchor: null, clock, retry: fastRetry });
    expect(result.finished).toBe(true);
    expect(stored).toEqual(ids);
    expect(calls.map((c) => c.ids.length)).toEqual([500, 500, 200]);
    expect(result.checkpoint).toMatchObject({ eventsSent: 1_200, malformedLines: 2, throttledRetries: 0, position: { line: 1_202 } });
  });

  it('never lets a batch exceed 500 records or 5 MiB', () => {
    const batch = new RecordBatch();
    const big = { partitionKey: 'k', data: new Uint8Array(1024 * 1024 - 10) };
    for (let i = 0; i < 4; i++) batch.add(big, 0);
    expect(batch.fits(big)).toBe(true);
    batch.add(big, 0);
    expect(batch.fits(big)).toBe(false);
    expect(batch.bytes).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
    const small = new RecordBatch();
    for (let i = 0; i < MAX_RECORDS_PER_CALL; i++) small.add({ partitionKey: `k${i}`, data: new Uint8Array(10) }, 0);
    expect(small.fits({ partitionKey: 'k', data: new Uint8Array(1) })).toBe(false);
  });
});

describe('replay engine retries', () => {
  it('resends only the throttled records of a batch, counts them, and loses none', async () => {
    const clock = virtualClock();
    // Every third record of each first attempt is throttled, as a hot shard would do.
    const { sink, calls, stored } = memorySink(clock, (call, i) => (call % 2 === 0 && i % 3 === 0 ? THROTTLED : undefined));
    const result = await runReplay({ file, sink, speedup: 'max', from: EMPTY_CHECKPOINT, anchor: null, clock, retry: fastRetry });
    expect([...stored].sort()).toEqual([...ids].sort());
    expect(stored).toHaveLength(ids.length);
    expect(calls[1]!.ids).toEqual(calls[0]!.ids.filter((_, i) => i % 3 === 0));
    expect(result.checkpoint.throttledRetries).toBe(167 + 167 + 67);
  });

  it('gives up on records that keep failing for another reason, without advancing the checkpoint', async () => {
    const clock = virtualClock();
    const { sink } = memorySink(clock, (call, i) => (call >= 2 && i === 0 ? 'InternalFailure' : undefined));
    const progress: number[] = [];
    await expect(
      runReplay({
        file, sink, speedup: 'max', from: EMPTY_CHECKPOINT, anchor: null, clock, retry: { ...fastRetry, maxAttempts: 3 },
        onProgress: (t) => progress.push(t.checkpoint.eventsSent),
      }),
    ).rejects.toThrow(/still failing after 3 attempts \(InternalFailure/);
    expect(progress).toEqual([500, 1_000]);
  });
});

describe('replay engine schedule', () => {
  it('releases each event at start + (event time − first event time) / speedup, within the batch delay bound', async () => {
    const clock = virtualClock();
    const start = clock.t;
    const { sink, calls } = memorySink(clock);
    const speedup = 1800;
    await runReplay({ file, sink, speedup, from: EMPTY_CHECKPOINT, anchor: null, clock, maxBatchDelayMs: 100 });
    const sentAt = new Map<string, number>();
    for (const c of calls) for (const id of c.ids) sentAt.set(id, c.atMs);
    ids.forEach((id, i) => {
      const due = start + (dropoffs[i]! - dropoffs[0]!) / speedup;
      expect(sentAt.get(id)! - due).toBeGreaterThanOrEqual(-1e-6);
      expect(sentAt.get(id)! - due).toBeLessThanOrEqual(100);
    });
    expect(calls.length).toBeGreaterThan(10);
  });

  it('stops at a deadline and a run from the checkpoint sends the rest: nothing lost, nothing twice', async () => {
    const clock = virtualClock();
    const start = clock.t;
    const { sink, stored } = memorySink(clock);
    const first = await runReplay({ file, sink, speedup: 1800, from: EMPTY_CHECKPOINT, anchor: null, clock, deadlineMs: start + 20_000 });
    expect(first.finished).toBe(false);
    expect(first.checkpoint.eventsSent).toBeGreaterThan(0);
    expect(first.checkpoint.eventsSent).toBeLessThan(ids.length);
    const second = await runReplay({ file, sink, speedup: 1800, from: first.checkpoint, anchor: first.anchor, clock });
    expect(second.finished).toBe(true);
    expect(stored).toEqual(ids);
    expect(second.checkpoint.malformedLines).toBe(2);
    expect(second.checkpoint.eventsSent).toBe(ids.length);
  });

  it('reports lag when the stream is slower than the schedule', async () => {
    const clock = virtualClock();
    const base = memorySink(clock);
    const slow: RecordSink = {
      name: 'slow',
      async putRecords(records) {
        clock.t += 2_000;
        return base.sink.putRecords(records);
      },
    };
    const result = await runReplay({ file, sink: slow, speedup: 1800, from: EMPTY_CHECKPOINT, anchor: null, clock });
    expect(result.checkpoint.lagMs).toBeGreaterThan(1_000);
  });
});

describe('replay sources', () => {
  it('resolves sample and relative paths inside the data folder, and refuses everything else', () => {
    expect(resolveReplaySource('sample', '/data', '/repo/sample.jsonl.gz')).toBe('/repo/sample.jsonl.gz');
    expect(resolveReplaySource('nyc/2015-01.csv', '/data')).toBe('/data/nyc/2015-01.csv');
    for (const bad of ['../etc/passwd.csv', '/etc/trips.jsonl', 'a/../../b.jsonl', 'x.txt', '..', 'C:/x.csv']) {
      expect(() => resolveReplaySource(bad, '/data'), bad).toThrow();
    }
  });
});
