/**
 * FROZEN with ../adaptive.ts (the v4 rules, patch scaling-adaptive-v4): do not change.
 *
 * What adaptive learns online: the true processing rate per parallelism unit (DS2's
 * processed ÷ busy) and the restart downtime (the `downtime` metric), each an
 * exponentially weighted mean starting from the configured value.
 */
import type { MetricsSample } from '../../../types.js';
import { aggregationFactor } from '../../article-step.js';
import type { Params } from './params.js';
import { observedUnitRate, type Point } from './signals.js';
import type { AdaptiveState } from './state.js';

export function unitRateOf(state: AdaptiveState, params: Params): number {
  return state.unitRate ?? params.recordsPerSecondPerParallelism;
}

/** User records per Kinesis record (KPL aggregation; 1 on plain input or before it is known). */
export function aggregationOf(state: AdaptiveState): number {
  return state.aggregation ?? 1;
}

/**
 * Flink's capacity per parallelism unit in Kinesis records/s, the unit demand and backlog are measured in: the
 * job's rate counts user records, so with N user records per Kinesis record one unit drains 1/N as many Kinesis records.
 */
export function kinesisUnitRateOf(state: AdaptiveState, params: Params): number {
  return unitRateOf(state, params) / aggregationOf(state);
}

/**
 * Follows the aggregation factor: each new period in which the job both processed user records and read Kinesis
 * records sets it (article-step's `aggregationFactor`, 1 below 2 user records per Kinesis record); a period without
 * either (the job down, no reads) keeps the last one — missing data says nothing about the producers' format.
 */
export function learnAggregation(current: number | undefined, fresh: MetricsSample[]): number {
  let factor = current ?? 1;
  for (const s of fresh) {
    if (s.numRecordsInPerSecond === null || s.numRecordsInPerSecond <= 0 || !s.getRecordsRecords) continue;
    factor = aggregationFactor(s);
  }
  return factor;
}

/** Restart downtime (seconds): learned, or the configured value until one is observed. */
export function restartOf(state: AdaptiveState, params: Params): number {
  return state.restartSeconds ?? params.restartDowntimeSeconds;
}

/** Folds the new periods' observed unit rates into the estimate (an exponentially weighted mean). */
export function learn(rate: number | null, fresh: Point[], params: Params): number | null {
  let next = rate;
  for (const p of fresh) {
    const observed = observedUnitRate(p, params.minBusyForLearning);
    if (observed === null) continue;
    next = next === null ? observed : next + params.learningRate * (observed - next);
  }
  return next;
}

/**
 * Folds each restart's downtime (the `downtime` metric's peak, from its first non-zero
 * period until it is back to 0) into the estimate, starting from the configured value.
 */
export function learnRestart(state: AdaptiveState, fresh: MetricsSample[], params: Params): Pick<AdaptiveState, 'restartSeconds' | 'restartPeakMs'> {
  let { restartSeconds, restartPeakMs } = state;
  for (const s of fresh) {
    if (s.downtime !== null && s.downtime > 0) {
      restartPeakMs = Math.max(restartPeakMs, s.downtime);
    } else if (restartPeakMs > 0) {
      const seen = restartPeakMs / 1000;
      restartSeconds = restartSeconds === null ? seen : restartSeconds + params.learningRate * (seen - restartSeconds);
      restartPeakMs = 0;
    }
  }
  return { restartSeconds, restartPeakMs };
}
