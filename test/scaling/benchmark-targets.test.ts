/**
 * SCALING.md's targets for `adaptive` (issue 16), checked on every committed trace by
 * running the benchmark (a pure simulation, seconds): per trace the four targets, and
 * across the suite adaptive's SLO minutes at most 3 × the oracle's. The generated suite
 * (200 traces, minutes) is `npm run bench:scaling -- --generated …`, not part of the test run;
 * a few generated seeds are checked here so the generator and target check stay wired.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmarkTrace, checkSuite, checkTargets, PEERS, type TraceBenchmark } from '../../bench/scaling/benchmark.js';
import { FAMILIES, generateTrace, HELD_OUT_SEED_BASE } from '../../bench/scaling/generate.js';
import { parseTrace } from '../../bench/scaling/sim/trace.js';

const dir = join(import.meta.dirname, '..', '..', 'bench', 'scaling', 'traces');
const results: TraceBenchmark[] = readdirSync(dir)
  .filter((f) => f.endsWith('.csv'))
  .sort()
  .map((f) => benchmarkTrace(parseTrace(f.replace(/\.csv$/, ''), readFileSync(join(dir, f), 'utf8'))));

describe('scaling benchmark: adaptive meets the four per-trace targets on the committed traces', () => {
  it('covers the committed trace shapes', () => {
    expect(results.map((r) => r.trace)).toEqual(
      ['outage-catchup', 'sawtooth', 'slow-ramp', 'step-spike-x5', 'taxi-diurnal', 'true-rate-30pct-lower'],
    );
  });

  it('every table has the peers, Kinesis on-demand with Managed Flink autoscaling, and the oracle', () => {
    for (const r of results) expect(r.rows.map((x) => x.policy)).toEqual(expect.arrayContaining([...PEERS, 'adaptive', 'oracle']));
  });

  it.each(results.map((r) => [r.trace, r] as const))('%s: fewest SLO minutes, ≤ 1.25 × oracle cost, undominated, restarts ≤ 1.5 × oracle + 2', (_name, r) => {
    const check = checkTargets(r);
    expect(check.misses, check.detail).toEqual([]);
  });

  it('suite total: adaptive\'s SLO minutes at most 3 × the oracle\'s', () => {
    const suite = checkSuite(results);
    expect(suite.adaptiveSloMinutes).toBeLessThanOrEqual(3 * suite.oracleSloMinutes);
    expect(suite.met).toBe(true);
  });
});

describe('scaling benchmark: generated traces', () => {
  it('a seed always gives the same trace, and seeds cover every family', () => {
    expect(generateTrace(42)).toEqual(generateTrace(42));
    const families = new Set(Array.from({ length: 120 }, (_, i) => generateTrace(i + 1).family));
    expect([...families].sort()).toEqual([...FAMILIES].sort());
    expect(generateTrace(HELD_OUT_SEED_BASE).name).toMatch(/^gen-1000000-/);
  });

  it('demand stays within what the bounds can carry (so a miss is the policy\'s, not the platform\'s)', () => {
    let maxBytes = 0;
    let maxRecords = 0;
    for (let seed = 1; seed <= 60; seed++) {
      for (const row of generateTrace(seed).rows) {
        maxBytes = Math.max(maxBytes, row.recordsPerSecond * row.bytesPerRecord);
        maxRecords = Math.max(maxRecords, row.recordsPerSecond);
      }
    }
    expect(maxBytes).toBeLessThanOrEqual(16_000_000);
    expect(maxRecords).toBeLessThanOrEqual(16_000);
  });
});
