import { describe, expect, it } from 'vitest';
import { ShardLog } from '../../../emulator/kinesis/shardLog.js';

/** Each record: key `kk` (2 bytes) + data `AAAA` (3 bytes decoded) = 5 bytes. */
const SIZE = 5;

function filled(count: number, startCounter = 1): ShardLog {
  const log = new ShardLog();
  for (let i = 0; i < count; i++) log.append(startCounter + i * 2, 1000 + i, 'kk', 'AAAA', SIZE);
  return log;
}

describe('ShardLog', () => {
  it('returns each record as stored: key, data, arrival', () => {
    const log = new ShardLog();
    log.append(7, 1234, 'clé', Buffer.from('payload').toString('base64'), 20);
    expect(log.read(0, 1, Infinity)).toEqual([
      { counter: 7, arrivalMs: 1234, partitionKey: 'clé', dataBase64: Buffer.from('payload').toString('base64'), size: 11 },
    ]);
    expect(log.bytes).toBe(11);
  });

  it('reads in order from any counter across chunk boundaries, including counters between records', () => {
    const log = filled(5000);
    expect(log.read(1, 3, Infinity).map((r) => r.counter)).toEqual([1, 3, 5]);
    // Counter 2048 is not stored (odd counters only): reading starts at the next one.
    expect(log.read(2048, 2, Infinity).map((r) => r.counter)).toEqual([2049, 2051]);
    expect(log.read(9999, 5, Infinity).map((r) => r.counter)).toEqual([9999]);
    expect(log.read(10_001, 5, Infinity)).toEqual([]);
    const all = log.read(0, 10_000, Infinity);
    expect(all).toHaveLength(5000);
    expect(all.every((r, i) => i === 0 || r.counter > (all[i - 1]?.counter ?? 0))).toBe(true);
  });

  it('finds the first record at or after a time', () => {
    const log = filled(3000);
    expect(log.counterAtOrAfterTime(0)).toBe(1);
    expect(log.counterAtOrAfterTime(1000 + 1500)).toBe(1 + 1500 * 2);
    expect(log.counterAtOrAfterTime(1000 + 2999.5)).toBeNull();
  });

  it('stops at the byte budget but always returns at least one record', () => {
    const log = filled(10);
    expect(log.read(0, 10, 2 * SIZE + 1)).toHaveLength(2);
    expect(log.read(0, 10, 1)).toHaveLength(1);
  });

  it('trims by arrival time, freeing bytes, and keeps reading correctly afterwards', () => {
    const log = filled(3000);
    const freed = log.trimBefore(1000 + 2500);
    expect(freed).toBe(2500 * SIZE);
    expect(log.count).toBe(500);
    expect(log.bytes).toBe(500 * SIZE);
    expect(log.read(0, 2, Infinity).map((r) => r.counter)).toEqual([5001, 5003]);
    expect(log.firstArrivalMs()).toBe(3500);
    expect(log.append(7000, 9000, 'kk', 'AAAA', SIZE)).toBe(SIZE);
    expect(log.lastCounter()).toBe(7000);
  });

  it('drops whole chunks, oldest first, for the memory cap', () => {
    const log = filled(2100);
    const freed = log.trimOldestChunk();
    expect(freed).toBe(1024 * SIZE);
    expect(log.read(0, 1, Infinity)[0]?.counter).toBe(1 + 1024 * 2);
  });

  it('empties completely and accepts new records after a full trim', () => {
    const log = filled(1024);
    log.trimBefore(Infinity);
    expect(log.count).toBe(0);
    expect(log.read(0, 10, Infinity)).toEqual([]);
    log.append(50_000, 1, 'kk', 'AAAA', SIZE);
    expect(log.read(0, 10, Infinity).map((r) => r.counter)).toEqual([50_000]);
  });
});
