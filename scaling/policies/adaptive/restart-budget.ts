/**
 * What a Flink restart costs and when one is affordable: the scale-in hysteresis window
 * (sized by the restart's downtime), the restart budget per hour and the downtime budget
 * that spaces restarts, and the saving a scale-in must beat.
 */
import { fmt, kpus } from '../common.js';
import { restartOf } from './estimate.js';
import type { Params } from './params.js';
import type { AdaptiveState } from './state.js';

export function costPerHour(shards: number, parallelism: number, ppk: number, params: Params): number {
  return shards * params.shardHourPrice + kpus(parallelism, ppk) * params.kpuHourPrice;
}

/** The scale-in hysteresis window for Flink: long enough that the low pays for the restart (seconds). */
export function flinkLowWindow(state: AdaptiveState, params: Params): number {
  const restart = restartOf(state, params);
  return Math.max(params.flinkLowWindowSeconds, params.flinkMinLowSeconds, params.hysteresisRestarts * restart);
}

/**
 * Why a scale-in restart may not happen now (null when it may): the restart budget per
 * hour, then the downtime budget's spacing since the last restart.
 */
export function restartBudgetBlocker(state: AdaptiveState, now: number, fit: number, restart: number, params: Params): string | null {
  const restartTimes = state.restartTimes ?? [];
  const restartsLastHour = restartTimes.filter((t) => t > now - 3600).length;
  const spacing = (restart * 3600) / params.restartBudgetSecondsPerHour;
  const sinceLast = restartTimes.length ? now - restartTimes[restartTimes.length - 1]! : Infinity;
  if (restartsLastHour >= params.restartBudgetPerHour) {
    return `Flink: parallelism ${fit} would do, but ${restartsLastHour} restarts in the last hour used the budget of ${params.restartBudgetPerHour}; holding`;
  }
  if (sinceLast < spacing) {
    return `Flink: parallelism ${fit} would do, but the last restart was ${fmt(sinceLast)} s ago; at ${fmt(restart)} s per restart the downtime budget (${fmt(params.restartBudgetSecondsPerHour)} s per hour) allows the next scale-in in ${fmt(spacing - sinceLast)} s`;
  }
  return null;
}

export interface ScaleInWorth {
  worth: boolean;
  /** Seconds the low is expected to last, the saving over them and the restart's price ($). */
  lowFor: number;
  saving: number;
  downtime: number;
  /** Minutes above the lag target the restart (and the drain after it) is expected to cost, per restart. */
  breachMinutes: number;
}

/**
 * A Flink scale-in is worth it when the saving until demand is projected to need `p`
 * again beats paying for the restart's downtime (capacity billed while down, and each
 * minute above the lag target at `sloMinuteDollars`). `roundTrip`: demand has recently
 * needed more than the smaller capacity, so the restart back up is likely and charged too.
 */
export function scaleInWorth(
  a: { shards: number; p: number; fit: number; ppk: number; unit: number; d0: number; risingNow: number; restart: number; roundTrip: boolean },
  params: Params,
): ScaleInWorth {
  const horizon = params.scaleInHorizonSeconds;
  const lowFor = a.risingNow > 0 ? Math.min(horizon, Math.max(0, (a.fit * a.unit - a.d0) / a.risingNow)) : horizon;
  const saving = ((kpus(a.p, a.ppk) - kpus(a.fit, a.ppk)) * params.kpuHourPrice * lowFor) / 3600;
  // A restart longer than the lag target costs SLO minutes too, valued at `sloMinuteDollars` each: the lag passes the
  // target `restart − target` s before the job is back, and the smaller capacity c then drains it at (c − d) ÷ d
  // seconds of lag per second, so the lag stays above the target (restart − target) × c ÷ (c − d) s in all.
  const over = Math.max(0, a.restart - params.lagTargetSeconds);
  const fitCapacity = a.fit * a.unit;
  const breachMinutes = over === 0 ? 0 : fitCapacity > a.d0 ? (over * fitCapacity) / (fitCapacity - a.d0) / 60 : Infinity;
  const downtime = (a.roundTrip ? params.scaleInRestarts : 1) * ((costPerHour(a.shards, a.p, a.ppk, params) * a.restart) / 3600 + (params.sloMinuteDollars > 0 ? breachMinutes * params.sloMinuteDollars : 0));
  // A restart longer than the lag target breaches the SLO by itself: only a lasting low is worth one.
  const breaches = a.restart >= params.lagTargetSeconds;
  return { worth: saving > downtime && (!breaches || lowFor >= horizon), lowFor, saving, downtime, breachMinutes };
}
