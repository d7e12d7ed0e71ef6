/**
 * FROZEN with ../adaptive.ts (the v4 rules, patch scaling-adaptive-v4): do not change.
 *
 * Demand estimation: what producers offer now, its robust trend, its noise, its recent
 * peaks, and the backlog the job carries — everything the stream and Flink sizing read.
 */
import type { Params } from './params.js';
import { bytesPerRecord, demandSlope, lagTrend, maxOf, recurringPeak, since, type Point } from './signals.js';
import type { AdaptiveState } from './state.js';

/** Peak demand over the last `seconds` (0 and `covered: false` when the window is not yet full). */
export function windowPeak(points: Point[], latest: Point, seconds: number): { peak: number; covered: boolean } {
  const window = points.filter((x) => x.t > latest.t - seconds);
  return { peak: maxOf(window.map((x) => x.demand)), covered: window.reduce((a, x) => a + x.seconds, 0) >= seconds };
}

/**
 * Minute-to-minute demand noise (records/s, one standard deviation): the median absolute
 * first difference, scaled for a normal distribution (÷ √2 for differencing). Robust to
 * steps and ramps, which move the mean, not the typical difference.
 */
export function demandNoise(points: Point[]): number {
  const diffs: number[] = [];
  for (let i = 1; i < points.length; i++) diffs.push(Math.abs(points[i]!.demand - points[i - 1]!.demand));
  if (diffs.length < 4) return 0;
  diffs.sort((a, b) => a - b);
  return (1.4826 * diffs[diffs.length >> 1]!) / Math.SQRT2;
}

/**
 * The lag (seconds) after `horizon` seconds, starting from `lagSeconds`, when demand
 * follows `demandAt(t)` and the job processes `capacity` records/s (5 s steps: horizons are minutes).
 */
export function lagAfter(lagSeconds: number, demandAt: (t: number) => number, capacity: number, horizon: number): number {
  let backlog = lagSeconds * demandAt(0);
  for (let t = 0; t < horizon; t += 5) backlog = Math.max(0, backlog + (demandAt(t) - capacity) * 5);
  const d = demandAt(horizon);
  return d > 0 ? backlog / d : 0;
}

export interface DemandView {
  pts: Point[];
  latest: Point;
  /** Bytes per record (the shards may be bytes-bound). */
  bpr: number;
  /** Points within the trend window. */
  recent: Point[];
  /** Demand now (records/s) and its trend (records/s per second; `rising` ≥ 0). */
  d0: number;
  slope: number;
  rising: number;
  /** The rise a scale-in must allow for: a ramp that just began counts, a rise that already dropped does not. */
  risingNow: number;
  /** Demand projected `seconds` ahead, the trend capped at `maxProjectedGrowth`. */
  ahead: (seconds: number) => number;
  /** The peak of a recurring pattern (a cycle, a sawtooth) demand is rising towards again, or null. */
  recurring: number | null;
  /** `ahead`, stopped at a recurring peak (the stream is sized pre-emptively over minutes). */
  streamAhead: (seconds: number) => number;
  /** Noise headroom: `noiseSigmas` standard deviations of the minute-to-minute noise. */
  headroom: number;
}

export function demandView(pts: Point[], latest: Point, params: Params): DemandView {
  const bpr = bytesPerRecord(pts, params.defaultBytesPerRecord);
  const recent = pts.filter((x) => x.t > latest.t - params.trendWindowSeconds);
  // Throttled periods count producers' retries with the new records: their rise is the throttle's, not a ramp's.
  const unthrottled = recent.filter((x) => x.demand <= x.incoming + 1);
  const slope = demandSlope(unthrottled);
  const rising = Math.max(0, slope);
  // Scale-in is cautious: a ramp that just began (after a drop, say) counts even before the long fit sees it.
  // A rise that has already ended in a drop does not: the long fit only counts from the window's peak on.
  const peakAt = recent.reduce((best, x, i) => (x.demand > recent[best]!.demand ? i : best), 0);
  const risingNow = Math.max(0, demandSlope(recent.slice(peakAt)), demandSlope(pts.filter((x) => x.t > latest.t - params.shortTrendWindowSeconds)));
  const d0 = latest.demand;
  // A trend is extrapolated at most `maxProjectedGrowth` above today's demand: the slope right after a jump is not a ramp.
  const ahead = (seconds: number) => Math.min(d0 + rising * seconds, d0 * (1 + params.maxProjectedGrowth));
  // The stream is sized pre-emptively over minutes: a rise towards a peak that has already come and gone stops there.
  const recurring = params.recurrenceWindowSeconds > 0
    ? recurringPeak(pts.filter((x) => x.t > latest.t - params.recurrenceWindowSeconds), params.recurrenceDrop, params.recurrenceMargin)
    : null;
  const streamAhead = (seconds: number) => (recurring === null ? ahead(seconds) : Math.min(ahead(seconds), Math.max(d0, recurring)));
  const headroom = params.noiseSigmas * demandNoise(recent);
  return { pts, latest, bpr, recent, d0, slope, rising, risingNow, ahead, recurring, streamAhead, headroom };
}

export interface BacklogView {
  /** A lag datapoint exists in the latest period after the last action: without one nothing scales in. */
  evidence: boolean;
  /** The latest period came after the last action but had no lag datapoint. */
  lagMissing: boolean;
  lagMs: number;
  growing: boolean;
  /** Records behind (lag × input) and the extra rate needed to drain them within `catchUpSeconds`. */
  backlog: number;
  catchUp: number;
}

/**
 * Until a period after the last action is published, the lag under the new capacity is
 * unknown: the older lag is what the action addressed, so it neither triggers another
 * scale-out nor allows a scale-in (no evidence).
 */
export function backlogView(state: AdaptiveState, view: DemandView, params: Params): BacklogView {
  const settled = since(view.recent, state.settledAt);
  // Missing lag is not zero backlog: without a lag datapoint in the latest settled period, nothing scales in.
  const lagKnown = settled.length > 0 && settled[settled.length - 1]!.lagMs !== null;
  const { lagMs, growing } = lagTrend(settled);
  const backlog = (lagMs / 1000) * view.latest.incoming;
  const catchUp = lagMs > params.backlogThresholdMs ? backlog / params.catchUpSeconds : 0;
  return { evidence: lagKnown, lagMissing: settled.length > 0 && !lagKnown, lagMs, growing, backlog, catchUp };
}
