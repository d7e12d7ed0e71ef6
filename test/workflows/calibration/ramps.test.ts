/**
 * A later phase with more subtasks ramps proportionally higher (an I/O-bound job may process
 * that much more per KPU), and the plan refuses a ramp the stream's shards cannot take once
 * scaled — counting aggregated trips, not Kinesis records.
 */
import { describe, expect, it } from 'vitest';
import { planCalibration, SHARD_WRITE_TRIPS_PER_SECOND_AGGREGATED } from '../../../model/calibration-plan.js';
import type { ResolvedCalibrationRequest } from '../../../model/calibration.js';
import { newSearch, nextStep, phaseRates, recordStep, type StepEvidence } from '../../../workflows/calibration/analysis.js';

const facts = { shards: 6, parallelism: 2, periodSeconds: 1, maxKpus: 64 };

function resolved(rates: number[]): ResolvedCalibrationRequest {
  const { plan } = planCalibration({ rates, confirmSteps: 1, stepSeconds: 5, targetRecordsPerSecond: 10_000 } as never, facts);
  return plan!.request;
}

const evidence = (verdict: StepEvidence['verdict'], sent: number, processed: number): StepEvidence => ({
  offeredRecordsPerSecond: sent, sentRecordsPerSecond: sent, processedRecordsPerSecond: processed, lagStartMs: 0, lagEndMs: 0, lagSlopeMsPerSecond: 0,
  cpuUtilization: null, containerCpuUtilization: null, heapMemoryUtilization: null, backpressureMsPerSecond: null, throttledRecords: 0, verdict, reasons: [verdict],
});

describe('phase ramps', () => {
  it('scales the request\'s rates by the phase\'s subtasks, so ParallelismPerKPU 2 is driven to twice the first phase\'s top', () => {
    const request = resolved([1300, 3200, 4000]);
    expect(phaseRates(request, 2)).toEqual([2600, 6400, 8000]);
    expect(phaseRates(request, 0.5)).toEqual([650, 1600, 2000]);
  });

  it('a later phase probes the first phase\'s sustainable rate, then ramps on its own rates until it saturates', () => {
    const request = resolved([1300, 3200, 4000]);
    const s = newSearch(2500, phaseRates(request, 2));
    const tried: number[] = [];
    const outcomes: Record<number, StepEvidence> = { 2500: evidence('sustainable', 2500, 2500), 2600: evidence('sustainable', 2600, 2600), 6400: evidence('saturated', 6400, 5200) };
    for (let step = nextStep(s, request); step !== null; step = nextStep(s, request)) {
      tried.push(step.rate);
      recordStep(s, step, outcomes[step.rate] ?? evidence('sustainable', step.rate, step.rate));
    }
    // Probe, the ramp past the first phase's top (6,400 > 4,000), then one confirmation just under the ceiling seen.
    expect(tried).toEqual([2500, 2600, 6400, Math.round(0.97 * 5200)]);
  });
});

describe('the search with the measured ceiling as its bound (calibration-measured-window)', () => {
  const confirmTwice = (): ResolvedCalibrationRequest => ({ ...resolved([1300, 4000]), confirmSteps: 2 });
  const run = (outcomes: (rate: number, tried: number[]) => StepEvidence) => {
    const request = confirmTwice();
    const s = newSearch(null, request.rates, { ceilingBound: true });
    const tried: number[] = [];
    for (let step = nextStep(s, request); step !== null; step = nextStep(s, request)) {
      tried.push(step.rate);
      recordStep(s, step, outcomes(step.rate, tried));
    }
    return { s, tried };
  };

  it('stops once a rate within 6 % of the ceiling it measured is sustainable: no confirmation above the ceiling', () => {
    const { s, tried } = run((rate) => (rate >= 4000 ? evidence('saturated', 4000, 2600) : evidence('sustainable', rate, rate)));
    expect(tried).toEqual([1300, 4000, Math.round(0.97 * 2600)]);
    expect(s.highestFlat).toBe(2522);
  });

  it('after a confirmation just under the ceiling saturated, tries 5 % below it rather than halving the bracket', () => {
    const { s, tried } = run((rate) => (rate >= 4000 ? evidence('saturated', 4000, 2600) : rate === 2522 ? evidence('saturated', 2522, 2330) : evidence('sustainable', rate, rate)));
    expect(tried).toEqual([1300, 4000, 2522, Math.round(0.95 * 2522)]);
    expect(s.highestFlat).toBe(2396);
  });

  it('without the bound (calibrations started before it) bisects as it did', () => {
    const request = confirmTwice();
    const s = newSearch(null, request.rates);
    const tried: number[] = [];
    for (let step = nextStep(s, request); step !== null; step = nextStep(s, request)) {
      tried.push(step.rate);
      recordStep(s, step, step.rate >= 4000 ? evidence('saturated', 4000, 2600) : step.rate === 2522 ? evidence('saturated', 2522, 2330) : evidence('sustainable', step.rate, step.rate));
    }
    expect(tried).toEqual([1300, 4000, 2522, Math.round((1300 + 2522) / 2)]);
  });
});

describe('the plan\'s write limit', () => {
  it('allows 2,500 aggregated trips/s per shard, and checks the scaled top of the ParallelismPerKPU 2 phase', () => {
    expect(SHARD_WRITE_TRIPS_PER_SECOND_AGGREGATED).toBe(2500);
    // 6 shards take 15,000: 7,000 × 2 = 14,000 fits, 8,000 × 2 = 16,000 does not.
    expect(planCalibration({ rates: [3000, 7000] } as never, facts).problems).toEqual([]);
    const { problems } = planCalibration({ rates: [3000, 8000] } as never, facts);
    expect(problems).toEqual([expect.objectContaining({ field: '/rates/1', rule: expect.stringMatching(/15000 aggregated records\/s.*scales the ramp to 16000/) })]);
    // With one fixed parallelism every phase has the same subtasks: no scaling.
    expect(planCalibration({ rates: [3000, 8000], parallelism: 2 } as never, facts).problems).toEqual([]);
  });
});
