/**
 * Turns a calibration request into the plan the workflow runs, and refuses plans that
 * cannot fit their budget or the pipeline (pure: shared by the API, which answers 400
 * before anything starts, and the workflow).
 */
import { kpusFor } from './spec.js';
import type { CalibrationRequest, ResolvedCalibrationRequest } from './calibration.js';

/** What the plan depends on, read from the pipeline's status. */
export interface PipelineFacts {
  shards: number;
  parallelism: number;
  periodSeconds: number;
  maxKpus: number;
}

export interface PlanProblem {
  /** JSON pointer into the request body. */
  field: string;
  rule: string;
}

export interface Plan {
  request: ResolvedCalibrationRequest;
  /** Every step of every phase held for its full time, plus a drain after each saturated one. */
  worstCaseSeconds: number;
  worstCaseCostUsd: number;
}

/**
 * Taxi trips per shard and second the calibration's KPL-aggregated load may plan for: a
 * shard takes 1 MiB/s, ~2,900 of the sample's ~355-byte trips; 2,500 leaves room for keys
 * that do not spread evenly over the shards.
 */
export const SHARD_WRITE_TRIPS_PER_SECOND_AGGREGATED = 2500;
/** Periods per step the verdict needs: one to warm up, three to see a trend. */
export const PERIODS_PER_STEP = 4;

export function evenRamp(maxRecordsPerSecond: number, steps: number): number[] {
  const rates: number[] = [];
  for (let i = 1; i <= steps; i += 1) rates.push(Math.max(1, Math.round((maxRecordsPerSecond * i) / steps)));
  return [...new Set(rates)];
}

/** Parallelism of the phase at ParallelismPerKPU `k`. */
export function phaseParallelism(request: ResolvedCalibrationRequest, k: number): number {
  return request.parallelism ?? k;
}

/** Cost of holding the pipeline's capacity for `seconds` (what the calibration adds to the bill). */
export function holdingCostUsd(seconds: number, shards: number, kpus: number, prices: ResolvedCalibrationRequest['prices']): number {
  return (seconds / 3600) * (kpus * prices.kpuHourUsd + shards * prices.shardHourUsd);
}

export function stepsPerPhase(request: ResolvedCalibrationRequest): number {
  // A later phase may start with one probe at the first phase's sustainable rate.
  return request.rates.length + request.confirmSteps + 1;
}

/** Time one step may take: the load, the wait for CloudWatch to publish its periods, a drain of equal length at most. */
export function stepBoundSeconds(request: ResolvedCalibrationRequest, periodSeconds: number): number {
  return request.stepSeconds * 2 + periodSeconds * 2;
}

export function planCalibration(input: CalibrationRequest, facts: PipelineFacts): { plan: Plan | null; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const perKpuValues = input.parallelismPerKpu ?? [1, 2];
  const rates = input.rates ?? (input.maxRecordsPerSecond !== undefined ? evenRamp(input.maxRecordsPerSecond, input.steps ?? 6) : []);
  if (input.rates === undefined && input.maxRecordsPerSecond === undefined) {
    problems.push({ field: '/maxRecordsPerSecond', rule: 'give maxRecordsPerSecond (the top of the ramp) or rates' });
  }
  if (input.rates !== undefined && input.maxRecordsPerSecond !== undefined) {
    problems.push({ field: '/rates', rule: 'give either rates or maxRecordsPerSecond, not both' });
  }
  rates.forEach((rate, i) => {
    if (i > 0 && rate <= rates[i - 1]!) problems.push({ field: `/rates/${i}`, rule: 'rates must be strictly increasing' });
  });
  if (new Set(perKpuValues).size !== perKpuValues.length) problems.push({ field: '/parallelismPerKpu', rule: 'values must differ' });
  const stepSeconds = input.stepSeconds ?? 300;
  if (stepSeconds < PERIODS_PER_STEP * facts.periodSeconds) {
    problems.push({
      field: '/stepSeconds',
      rule: `must be at least ${PERIODS_PER_STEP} CloudWatch periods of this pipeline (${PERIODS_PER_STEP} × ${facts.periodSeconds} s = ${PERIODS_PER_STEP * facts.periodSeconds} s)`,
    });
  }
  const largestPerKpu = Math.max(...perKpuValues);
  const fixed = input.parallelism ?? null;
  if (fixed !== null && fixed < largestPerKpu) {
    problems.push({ field: '/parallelism', rule: `must be at least the largest ParallelismPerKPU compared (${largestPerKpu}), so subtasks share a KPU` });
  }
  const largestParallelism = fixed ?? largestPerKpu;
  if (largestParallelism > facts.shards) {
    problems.push({
      field: fixed !== null ? '/parallelism' : '/parallelismPerKpu',
      rule: `parallelism ${largestParallelism} exceeds the stream's ${facts.shards} shards: source subtasks beyond the shard count idle and would hide the per-subtask rate`,
    });
  }
  for (const k of perKpuValues) {
    const kpus = kpusFor(fixed ?? k, k);
    if (kpus > facts.maxKpus) problems.push({ field: '/parallelismPerKpu', rule: `parallelism ${fixed ?? k} at ParallelismPerKPU ${k} needs ${kpus} KPUs, above the pipeline's maximum of ${facts.maxKpus}` });
  }
  const writeLimit = facts.shards * SHARD_WRITE_TRIPS_PER_SECOND_AGGREGATED;
  const top = rates.length > 0 ? rates[rates.length - 1]! : 0;
  // A phase with more subtasks than the first ramps higher in proportion (workflows/calibration/analysis.ts, phaseRates).
  const firstParallelism = fixed ?? perKpuValues[0] ?? 1;
  const scale = Math.max(1, ...perKpuValues.map((k) => (fixed ?? k) / firstParallelism));
  const phaseTop = Math.round(top * scale);
  if (phaseTop > writeLimit) {
    problems.push({
      field: input.rates !== undefined ? `/rates/${rates.length - 1}` : '/maxRecordsPerSecond',
      rule: `must not exceed what the stream's ${facts.shards} shards accept (${writeLimit} aggregated records/s, ${SHARD_WRITE_TRIPS_PER_SECOND_AGGREGATED} per shard)` +
        (scale > 1 ? ` once the phase with ${scale}× the first phase's subtasks scales the ramp to ${phaseTop}` : '') +
        '; reshard first (POST /pipelines/{id}/scale) or lower it',
    });
  }
  if (problems.length > 0) return { plan: null, problems };

  const request: ResolvedCalibrationRequest = {
    rates,
    confirmSteps: input.confirmSteps ?? 2,
    stepSeconds,
    parallelism: fixed,
    parallelismPerKpu: perKpuValues,
    targetRecordsPerSecond: input.targetRecordsPerSecond ?? top,
    headroom: input.headroom ?? 0.25,
    budget: { maxDurationSeconds: input.budget?.maxDurationSeconds ?? 3600, maxCostUsd: input.budget?.maxCostUsd ?? 5 },
    prices: { kpuHourUsd: input.prices?.kpuHourUsd ?? 0.11, shardHourUsd: input.prices?.shardHourUsd ?? 0.015 },
  };
  const perStep = stepBoundSeconds(request, facts.periodSeconds);
  const worstCaseSeconds = perKpuValues.length * stepsPerPhase(request) * perStep;
  const largestKpus = Math.max(kpusFor(facts.parallelism, 1), ...perKpuValues.map((k) => kpusFor(fixed ?? k, k)));
  const worstCaseCostUsd = holdingCostUsd(worstCaseSeconds, facts.shards, largestKpus, request.prices);
  // The budget must hold at least the first phase's ramp; the run stops at the bound and reports what it found.
  const firstRampSeconds = request.rates.length * perStep;
  if (firstRampSeconds > request.budget.maxDurationSeconds) {
    problems.push({
      field: '/budget/maxDurationSeconds',
      rule: `must allow at least the first ramp: ${request.rates.length} steps × up to ${perStep} s = ${firstRampSeconds} s`,
    });
  }
  const firstRampCost = holdingCostUsd(firstRampSeconds, facts.shards, largestKpus, request.prices);
  if (firstRampCost > request.budget.maxCostUsd) {
    problems.push({ field: '/budget/maxCostUsd', rule: `must allow at least the first ramp: about $${firstRampCost.toFixed(4)}` });
  }
  if (problems.length > 0) return { plan: null, problems };
  return { plan: { request, worstCaseSeconds, worstCaseCostUsd }, problems };
}
