import { describe, expect, it } from 'vitest';
import { parseTrace, rowAtSecond } from '../../bench/scaling/sim/trace.js';

describe('trace files (SCALING.md "Trace files")', () => {
  it('reads the optional columns with their defaults and holds each row until the next', () => {
    const trace = parseTrace('t', 't_seconds,records_per_second\n0,1200\n60,1350\n');
    expect(trace.rows[0]).toEqual({ t: 0, recordsPerSecond: 1200, bytesPerRecord: 350, trueRatePerParallelism: null });
    expect(trace.durationSeconds).toBe(120);
    const at = rowAtSecond(trace);
    expect(at(59).recordsPerSecond).toBe(1200);
    expect(at(60).recordsPerSecond).toBe(1350);
    expect(at(119).recordsPerSecond).toBe(1350);
  });

  it('reads all four columns', () => {
    const trace = parseTrace('t', 't_seconds,records_per_second,avg_record_bytes,true_records_per_second_per_parallelism\n0,10,900,3080\n');
    expect(trace.rows[0]).toEqual({ t: 0, recordsPerSecond: 10, bytesPerRecord: 900, trueRatePerParallelism: 3080 });
  });

  it.each([
    ['x,y\n0,1\n', /header/],
    ['t_seconds,records_per_second\n5,1\n', /start at 0/],
    ['t_seconds,records_per_second\n0,1\n0,2\n', /increase/],
    ['t_seconds,records_per_second\n0,-1\n', /non-negative/],
    ['t_seconds,records_per_second\n', /no rows/],
  ])('rejects a malformed file (%j)', (csv, message) => {
    expect(() => parseTrace('bad', csv)).toThrow(message);
  });
});
