/**
 * The CPU/I/O verdict of a calibration: a per-KPU difference counts only beyond the margin the
 * steps' own noise sets, and inside it the answer is "inconclusive" unless the vCPU was
 * independently seen at its ceiling.
 */
import { describe, expect, it } from 'vitest';
import type { CalibrationPhaseResult, CalibrationStep } from '../../../model/calibration.js';
import { classifyWorkload, measurementNoise, MIN_MARGIN, relativeStandardError } from '../../../workflows/calibration/classify.js';

function phase(k: number, perKpu: number, extra: Partial<CalibrationPhaseResult> = {}): CalibrationPhaseResult {
  return {
    parallelismPerKpu: k, parallelism: k, kpus: 2, sustainableRecordsPerSecond: perKpu, saturatedRecordsPerSecond: perKpu * 1.2,
    recordsPerSecondPerParallelism: perKpu / k, recordsPerSecondPerKpu: perKpu, lowerBound: false, cpuAtSustainable: 90,
    heapAtSustainable: 40, bottleneck: 'cpu', throughputRecordsPerSecondPerKpu: perKpu, ...extra,
  };
}

function step(p: number, verdict: CalibrationStep['verdict'], sent: number, processed: number, error: number | null = null): CalibrationStep {
  return {
    phase: p, kind: 'ramp', parallelism: 1, parallelismPerKpu: p + 1, kpus: 2, offeredRecordsPerSecond: sent, sentRecordsPerSecond: sent,
    processedRecordsPerSecond: processed, lagStartMs: 0, lagEndMs: 0, lagSlopeMsPerSecond: 0, cpuUtilization: null, containerCpuUtilization: null,
    heapMemoryUtilization: null, backpressureMsPerSecond: null, throttledRecords: 0, processedRelativeError: error, verdict, reasons: [],
    startedAt: '', endedAt: '',
  };
}

/** Steps whose sustainable readings are off by ±`noise` (relative). */
function noisySteps(noise: number): CalibrationStep[] {
  return [step(0, 'sustainable', 1000, 1000 * (1 + noise)), step(0, 'sustainable', 2000, 2000 * (1 - noise)), step(1, 'sustainable', 2000, 2000 * (1 + noise))];
}

describe('measurementNoise', () => {
  it('takes the largest of the sustainable deviations, the period spreads and the repeated ceilings, and never sets a margin under the floor', () => {
    expect(measurementNoise([]).margin).toBe(MIN_MARGIN);
    expect(measurementNoise(noisySteps(0.04)).relative).toBeCloseTo(0.04, 6);
    expect(measurementNoise(noisySteps(0.04)).margin).toBeCloseTo(3 * Math.SQRT2 * 0.04, 6);
    // Two saturated steps of one phase measure the same ceiling: 2,400 vs 2,600 is ±4 % noise.
    const ceilings = [step(0, 'saturated', 3200, 2400), step(0, 'saturated', 4000, 2600)];
    expect(measurementNoise(ceilings).relative).toBeCloseTo(0.04, 6);
    expect(measurementNoise([step(0, 'sustainable', 1000, 1000, 0.07)]).relative).toBeCloseTo(0.07, 6);
    // Inconclusive steps say nothing about the job.
    expect(measurementNoise([step(0, 'inconclusive', 1000, 500)]).samples).toBe(0);
  });

  it('relativeStandardError is the spread of the periods over √n', () => {
    expect(relativeStandardError([100])).toBeNull();
    expect(relativeStandardError([100, 100, 100])).toBe(0);
    expect(relativeStandardError([90, 110])).toBeCloseTo(Math.sqrt(200) / 100 / Math.SQRT2, 6);
  });
});

describe('classifyWorkload', () => {
  it('a gain beyond the margin is I/O-bound and recommends the higher ParallelismPerKPU', () => {
    const c = classifyWorkload([phase(1, 2600, { bottleneck: 'io' }), phase(2, 5200, { bottleneck: 'io' })], noisySteps(0.02));
    expect(c.workload).toBe('io-bound');
    expect(c.chosen.parallelismPerKpu).toBe(2);
    expect(c.comparison).toMatchObject({ perKpuGain: 2, parallelismPerKpu: 2 });
  });

  it('the same gain inside a wider noise margin is inconclusive, and keeps the baseline', () => {
    // +15 % looks like a gain, but with 5 % noise the margin is 21 %.
    const c = classifyWorkload([phase(1, 2600, { bottleneck: 'io' }), phase(2, 2990, { bottleneck: 'io' })], noisySteps(0.05));
    expect(c.comparison!.margin).toBeCloseTo(3 * Math.SQRT2 * 0.05, 6);
    expect(c.workload).toBe('inconclusive');
    expect(c.chosen.parallelismPerKpu).toBe(1);
    expect(c.reasons.join(' ')).toMatch(/inside the margin/);
  });

  it('+10 % by noise on a CPU-bound job is not read as I/O-bound: with the vCPU at its ceiling it is CPU-bound', () => {
    const c = classifyWorkload([phase(1, 2465), phase(2, 2712)], noisySteps(0.03));
    expect(c.workload).toBe('cpu-bound');
    expect(c.chosen.parallelismPerKpu).toBe(1);
  });

  it('the same within the margin without the vCPU at its ceiling is inconclusive', () => {
    const c = classifyWorkload([phase(1, 2600, { bottleneck: 'io' }), phase(2, 2550, { bottleneck: 'io' })], noisySteps(0.01));
    expect(c.workload).toBe('inconclusive');
  });

  it('a loss beyond the margin is CPU-bound whatever the CPU reading', () => {
    const c = classifyWorkload([phase(1, 2600, { bottleneck: 'unknown' }), phase(2, 2000, { bottleneck: 'unknown' })], noisySteps(0.01));
    expect(c.workload).toBe('cpu-bound');
  });

  it('a higher ParallelismPerKPU that never saturated cannot show there is no gain', () => {
    const c = classifyWorkload([phase(1, 2600), phase(2, 2650, { lowerBound: true })], noisySteps(0.01));
    expect(c.workload).toBe('inconclusive');
    expect(c.reasons.join(' ')).toMatch(/never saturated/);
  });

  it('a baseline that never saturated cannot prove a gain', () => {
    const c = classifyWorkload([phase(1, 2600, { lowerBound: true }), phase(2, 5200)], noisySteps(0.01));
    expect(c.workload).toBe('inconclusive');
  });

  it('one ParallelismPerKPU measured is undetermined', () => {
    expect(classifyWorkload([phase(1, 2600)], []).workload).toBe('undetermined');
  });

  it('the baseline is the lowest ParallelismPerKPU whatever the order the phases ran in', () => {
    const c = classifyWorkload([phase(2, 5200, { bottleneck: 'io' }), phase(1, 2600, { bottleneck: 'io' })], noisySteps(0.02));
    expect(c.workload).toBe('io-bound');
    expect(c.comparison!.perKpuGain).toBeCloseTo(2, 6);
  });
});
