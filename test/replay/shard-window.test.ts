/**
 * The producer's per-shard pacing: at most 1 MiB and 1,000 records in any one second,
 * as Kinesis states the write limit; what the shard refused does not count.
 */
import { describe, expect, it } from 'vitest';
import { ShardWindow } from '../../activities/replay/shard-window.js';

const KiB = 1024;

describe('ShardWindow', () => {
  it('lets 1 MiB through at once, then waits until the oldest send is a second old', () => {
    const w = new ShardWindow();
    expect(w.waitMs(600 * KiB, 0)).toBe(0);
    w.send(600 * KiB, 12, 0);
    expect(w.waitMs(400 * KiB, 100)).toBe(0);
    w.send(400 * KiB, 8, 100);
    expect(w.free(500).bytes).toBe(24 * KiB);
    // 50 KiB more fits when the first send leaves the window, at 1,000 ms.
    expect(w.waitMs(50 * KiB, 500)).toBe(500);
    expect(w.waitMs(50 * KiB, 1_000)).toBe(0);
    // 700 KiB needs both earlier sends gone: at 1,100 ms.
    expect(w.waitMs(700 * KiB, 1_000)).toBe(100);
  });

  it('counts only what the shard stored of a send', () => {
    const w = new ShardWindow();
    const entry = w.send(1024 * KiB, 20, 0);
    expect(w.waitMs(50 * KiB, 10)).toBe(990);
    w.stored(entry, { bytes: 512 * KiB, records: 10 });
    expect(w.waitMs(50 * KiB, 10)).toBe(0);
    expect(w.free(10)).toEqual({ bytes: 512 * KiB, records: 990 });
  });

  it('binds on 1,000 records a second when records are small', () => {
    const w = new ShardWindow();
    w.send(100 * KiB, 1_000, 0);
    expect(w.waitMs(10, 200)).toBe(800);
  });

  it('lets a record larger than the whole budget through once the window is empty', () => {
    const w = new ShardWindow({ bytesPerSecond: 100, recordsPerSecond: 10 });
    expect(w.waitMs(150, 0)).toBe(0);
    w.send(150, 1, 0);
    expect(w.waitMs(150, 10)).toBe(990);
  });
});
