/**
 * FROZEN with ../adaptive.ts (the v3 rules, patch scaling-adaptive-v3): do not change.
 *
 * What adaptive learns online: the true processing rate per parallelism unit (DS2's
 * processed ÷ busy) and the restart downtime (the `downtime` metric), each an
 * exponentially weighted mean starting from the configured value.
 */
import type { MetricsSample } from '../../../types.js';
import type { Params } from './params.js';
import { observedUnitRate, type Point } from './signals.js';
import type { AdaptiveState } from './state.js';

export function unitRateOf(state: AdaptiveState, params: Params): number {
  return state.unitRate ?? params.recordsPerSecondPerParallelism;
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
