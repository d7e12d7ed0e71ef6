/**
 * FROZEN: the issue-16 (v2) rules, kept verbatim for pipelines whose history recorded the
 * `scaling-adaptive-v2` marker but not `scaling-adaptive-v3` (workflows/scaling/controller.ts).
 * Do not change or tidy until that patch is deprecated; the live policy is ../adaptive.ts.
 *
 * shardpilot's own policy (SCALING.md "the goal"). Sizes both resources from demand
 * and backlog, learns the true Flink rate online, jumps straight to the target, and
 * spends the UpdateShardCount quota and restarts sparingly:
 *
 * - Demand = records accepted + records throttled (what producers offer), bytes too;
 *   extrapolated along its recent trend over the time an action needs to take effect.
 * - Backlog = millisBehindLatest × input rate; drained within `catchUpSeconds`.
 * - Shards grow when the demand projected over the reshard time nears the limit (or
 *   producers are throttled). A rise towards a peak that the last 2 h have already seen
 *   come and go (a cycle, a sawtooth) is projected to stop at that peak, and a stream
 *   scaled in below such a peak is sized for it at the target utilisation, so a recurring
 *   pattern is neither over-provisioned nor resharded every cycle. Flink grows only when
 *   the lag expected by the time the next tick's action could take effect, plus one
 *   restart's downtime, would pass `lagTargetSeconds` (or a backlog must be caught up) —
 *   not minutes ahead on a projection, and never for lag that drains by itself. Both land at their target
 *   utilisation, within 2×/½, bounds, the KPU maximum, the cost ceiling and the daily
 *   quota minus a reserve (throttling may spend it, pre-emptive moves may not).
 * - Scale in only with evidence from after the last action, never while producers are
 *   throttled or the backlog is above `backlogThresholdMs`, when the recent peak and the
 *   trend (a rise that has since dropped no longer counts) fit the smaller capacity, and
 *   (Flink) when the saving until demand is projected to return beats paying for the
 *   restart's downtime; the stream not while Flink may need to grow during the reshard.
 * - A stalled job (lag grows, nothing processed, CPU idle) gets no more parallelism:
 *   it would not help.
 * - Coordinated: one decision may carry both resources; the workflow applies the stream
 *   first when it grows and Flink first when it shrinks, so Flink's lag budget counts the
 *   wait for a reshard decided in the same tick. Parallelism stays ≤ shards ×
 *   `subtasksPerShard` unless that is 0.
 * - After a rollback the same direction on that resource is held for the cooldown.
 */
import type { ActionOutcome, DecideResult, MetricsSample, Observation, PolicyConfig, ScalingPolicy, ScalingTarget } from '../../types.js';
import {
  ARTICLE_RECORDS_PER_PARALLELISM, SHARD_BYTES_PER_SECOND, SHARD_RECORDS_PER_SECOND,
  flinkChangeBlocker, fmt, kpus, maxParallelismFor, newSamples, outOfBounds, parametersOf, remainingShardUpdates,
  shardChangeBlocker, shardRange, validateAgainst,
} from '../common.js';
import { bytesPerRecord, demandSlope, lagTrend, maxOf, observedUnitRate, recurringPeak, since, toPoint, type Point } from './adaptive-signals.js';

const DEFAULTS = {
  recordsPerSecondPerParallelism: ARTICLE_RECORDS_PER_PARALLELISM,
  /** Utilisation a new capacity is sized for, and the utilisation (of projected demand) that triggers a scale-out. */
  shardTargetUtilization: 0.9,
  shardHighUtilization: 0.95,
  /** Shards are cheap and the quota is scarce: a scale-in leaves room for surges. */
  shardScaleInUtilization: 0.65,
  /** Smallest relative changes worth an UpdateShardCount call: calls are a scarce daily quota. */
  shardMinGrowth: 0,
  shardMinShrink: 0,
  flinkTargetUtilization: 0.9,
  /** Target utilisation of a Flink scale-out when a restart takes longer than `lagTargetSeconds`. */
  slowRestartUtilization: 0.9,
  flinkHighUtilization: 0.97,
  /** A smaller parallelism must carry the recent peak (and the trend) at this utilisation, so its restart backlog drains. */
  flinkScaleInUtilization: 0.9,
  /** Demand trend: fitted over this window, projected over the time an action needs to take effect… */
  trendWindowSeconds: 600,
  shortTrendWindowSeconds: 240,
  shardLeadSeconds: 420,
  flinkLeadSeconds: 240,
  /** …and sized for this far ahead when capacity grows, so one action lasts. */
  sizingHorizonSeconds: 300,
  maxProjectedGrowth: 0.25,
  /** Share of throttled puts counted as demand (the rest are retries of the same records). */
  throttledShare: 0.5,
  catchUpSeconds: 300,
  /** Catch-up after a scale-out spans at least this many restart downtimes. */
  catchUpRestarts: 5,
  /** How long a scale-out of the stream keeps Flink from changing (UPDATING, then verified). */
  reshardSeconds: 240,
  backlogThresholdMs: 10_000,
  /** Lag the policy plans to stay under (the article's alarm is at 60 s). */
  lagTargetSeconds: 55,
  /** Scale-in looks at the peak demand of this window. */
  flinkLowWindowSeconds: 120,
  /**
   * Hysteresis sized by the restart's cost: a Flink scale-in needs a low lasting at least
   * this many restart downtimes (a restart costs its downtime in lag; a low shorter than
   * that is not worth two restarts), and at least `flinkMinLowSeconds`.
   */
  hysteresisRestarts: 12,
  flinkMinLowSeconds: 600,
  /** Restart budget: scale-ins only while fewer than this many Flink restarts happened in the last hour. */
  restartBudgetPerHour: 4,
  /**
   * …and a downtime budget: a scale-in restart waits until the last restart is at least
   * restart × 3,600 ÷ this many seconds ago (45 s restarts: 15 min apart; 3 min: an hour; 10 min: 3 h 20).
   */
  restartBudgetSecondsPerHour: 180,
  /** Demand noise: sizing and triggers add this many standard deviations of the minute-to-minute noise. */
  noiseSigmas: 2,
  /**
   * Cliff fast path: a drop by at least `cliffDrop` (a share of the window's peak) that has
   * persisted `cliffSeconds` may scale Flink in before the hysteresis window has passed.
   */
  cliffDrop: 0.4,
  cliffSeconds: 480,
  shardLowWindowSeconds: 1800,
  /**
   * A rise towards a peak seen within this window, after which demand fell by at least
   * `recurrenceDrop`, is projected to stop at that peak when sizing the stream (pre-emptive
   * moves only: throttling still scales out at once). 0 turns this off.
   */
  recurrenceWindowSeconds: 7200,
  recurrenceDrop: 0.2,
  /** Demand this share above the earlier peak still counts as that peak (noise), not as a new high. */
  recurrenceMargin: 0.05,
  shardUpdateReserve: 3,
  subtasksPerShard: 1,
  learningRate: 0.3,
  minBusyForLearning: 0.3,
  /** Restart downtime assumed until one is observed in the `downtime` metric. */
  restartDowntimeSeconds: 45,
  maxCostPerHour: 0,
  /** What one minute above the lag target is worth avoiding, in dollars: a slow restart's breach is weighed against its saving. */
  sloMinuteDollars: 1,
  /** How long a stable low is expected to last when weighing a scale-in's saving (no rising trend). */
  scaleInHorizonSeconds: 14_400,
  shardHourPrice: 0.015,
  kpuHourPrice: 0.11,
  defaultBytesPerRecord: 350,
};
const RULES: Record<keyof typeof DEFAULTS, { min: number; max: number; integer?: boolean }> = {
  recordsPerSecondPerParallelism: { min: 1, max: 10_000_000 },
  shardTargetUtilization: { min: 0.1, max: 1 },
  shardHighUtilization: { min: 0.1, max: 1 },
  shardScaleInUtilization: { min: 0.1, max: 1 },
  shardMinGrowth: { min: 0, max: 1 },
  shardMinShrink: { min: 0, max: 1 },
  flinkTargetUtilization: { min: 0.1, max: 1 },
  slowRestartUtilization: { min: 0.1, max: 1 },
  flinkHighUtilization: { min: 0.1, max: 1 },
  flinkScaleInUtilization: { min: 0.1, max: 1 },
  trendWindowSeconds: { min: 0, max: 86_400 },
  shortTrendWindowSeconds: { min: 0, max: 86_400 },
  shardLeadSeconds: { min: 0, max: 86_400 },
  flinkLeadSeconds: { min: 0, max: 86_400 },
  sizingHorizonSeconds: { min: 0, max: 86_400 },
  maxProjectedGrowth: { min: 0, max: 100 },
  throttledShare: { min: 0, max: 1 },
  catchUpSeconds: { min: 1, max: 86_400 },
  catchUpRestarts: { min: 0, max: 1000 },
  reshardSeconds: { min: 0, max: 86_400 },
  lagTargetSeconds: { min: 1, max: 86_400 },
  backlogThresholdMs: { min: 0, max: 86_400_000 },
  flinkLowWindowSeconds: { min: 0, max: 86_400 },
  hysteresisRestarts: { min: 0, max: 1000 },
  flinkMinLowSeconds: { min: 0, max: 86_400 },
  restartBudgetPerHour: { min: 0, max: 60, integer: true },
  restartBudgetSecondsPerHour: { min: 1, max: 3600 },
  noiseSigmas: { min: 0, max: 10 },
  cliffDrop: { min: 0, max: 1 },
  cliffSeconds: { min: 0, max: 86_400 },
  shardLowWindowSeconds: { min: 0, max: 86_400 },
  recurrenceWindowSeconds: { min: 0, max: 86_400 },
  recurrenceDrop: { min: 0, max: 1 },
  recurrenceMargin: { min: 0, max: 1 },
  shardUpdateReserve: { min: 0, max: 9, integer: true },
  subtasksPerShard: { min: 0, max: 64, integer: true },
  learningRate: { min: 0, max: 1 },
  minBusyForLearning: { min: 0.01, max: 1 },
  restartDowntimeSeconds: { min: 0, max: 3600 },
  maxCostPerHour: { min: 0, max: 1_000_000 },
  sloMinuteDollars: { min: 0, max: 1_000_000 },
  scaleInHorizonSeconds: { min: 60, max: 7 * 86_400 },
  shardHourPrice: { min: 0, max: 1000 },
  kpuHourPrice: { min: 0, max: 1000 },
  defaultBytesPerRecord: { min: 1, max: 1_048_576 },
};
type Params = typeof DEFAULTS;

export type AdaptiveState = {
  lastSampleTimestamp: number | null;
  points: Point[];
  /** Learned true rate per parallelism unit (records/s), null until first learned. */
  unitRate: number | null;
  /** Periods before this epoch second ran under an older capacity or an action. */
  settledAt: number;
  /** Restart downtime learned from the `downtime` metric (seconds), and the peak of the restart under way. */
  restartSeconds: number | null;
  restartPeakMs: number;
  /** Epoch seconds of the previous tick and the interval seen between ticks. */
  lastNow: number | null;
  interval: number | null;
  pending: { target: ScalingTarget; from: { shards: number; parallelism: number } } | null;
  holds: { shardsUp: number; shardsDown: number; flinkUp: number; flinkDown: number };
  /** Epoch seconds of Flink restarts this policy caused in the last hour (absent in state carried by older code). */
  restartTimes?: number[];
};

type Plan = { shards: number; parallelism: number; reasons: string[] };

function unitRateOf(state: AdaptiveState, params: Params): number {
  return state.unitRate ?? params.recordsPerSecondPerParallelism;
}

/** Folds the new periods' observed unit rates into the estimate (an exponentially weighted mean). */
function learn(rate: number | null, fresh: Point[], params: Params): number | null {
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
function learnRestart(state: AdaptiveState, fresh: MetricsSample[], params: Params): Pick<AdaptiveState, 'restartSeconds' | 'restartPeakMs'> {
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

function shardsFor(demand: number, bpr: number, utilization: number): number {
  return Math.max(1, Math.ceil(Math.max(demand / SHARD_RECORDS_PER_SECOND, (demand * bpr) / SHARD_BYTES_PER_SECOND) / utilization - 1e-9));
}

function costPerHour(shards: number, parallelism: number, ppk: number, params: Params): number {
  return shards * params.shardHourPrice + kpus(parallelism, ppk) * params.kpuHourPrice;
}

/** Seconds between ticks, from the last two observations (60 until known). */
function intervalOf(state: AdaptiveState): number {
  return state.interval ?? 60;
}

/**
 * The lag (seconds) after `horizon` seconds, starting from `lagSeconds`, when demand
 * follows `demandAt(t)` and the job processes `capacity` records/s (5 s steps: horizons are minutes).
 */
function lagAfter(lagSeconds: number, demandAt: (t: number) => number, capacity: number, horizon: number): number {
  let backlog = lagSeconds * demandAt(0);
  for (let t = 0; t < horizon; t += 5) backlog = Math.max(0, backlog + (demandAt(t) - capacity) * 5);
  const d = demandAt(horizon);
  return d > 0 ? backlog / d : 0;
}

/** Peak demand over the last `seconds` (0 and `covered: false` when the window is not yet full). */
function windowPeak(points: Point[], latest: Point, seconds: number): { peak: number; covered: boolean } {
  const window = points.filter((x) => x.t > latest.t - seconds);
  return { peak: maxOf(window.map((x) => x.demand)), covered: window.reduce((a, x) => a + x.seconds, 0) >= seconds };
}

/** The scale-in hysteresis window for Flink: long enough that the low pays for the restart (seconds). */
function flinkLowWindow(state: AdaptiveState, params: Params): number {
  const restart = state.restartSeconds ?? params.restartDowntimeSeconds;
  return Math.max(params.flinkLowWindowSeconds, params.flinkMinLowSeconds, params.hysteresisRestarts * restart);
}

/**
 * Minute-to-minute demand noise (records/s, one standard deviation): the median absolute
 * first difference, scaled for a normal distribution (÷ √2 for differencing). Robust to
 * steps and ramps, which move the mean, not the typical difference.
 */
function demandNoise(points: Point[]): number {
  const diffs: number[] = [];
  for (let i = 1; i < points.length; i++) diffs.push(Math.abs(points[i]!.demand - points[i - 1]!.demand));
  if (diffs.length < 4) return 0;
  diffs.sort((a, b) => a - b);
  return (1.4826 * diffs[diffs.length >> 1]!) / Math.SQRT2;
}

/** The capacity this policy wants now, before AWS constraints and holds. */
function plan(state: AdaptiveState, obs: Observation, config: PolicyConfig, params: Params): Plan {
  const { shards, parallelism: p, parallelismPerKpu: ppk } = obs.capacity;
  const pts = state.points;
  const latest = pts[pts.length - 1];
  if (!latest) return { shards, parallelism: p, reasons: ['no metrics yet'] };
  const bpr = bytesPerRecord(pts, params.defaultBytesPerRecord);
  const unit = unitRateOf(state, params);
  const recent = pts.filter((x) => x.t > latest.t - params.trendWindowSeconds);
  const slope = demandSlope(recent);
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
  // Until a period after the last action is published, the lag under the new capacity is
  // unknown: the older lag is what the action addressed, so it neither triggers another
  // scale-out nor allows a scale-in (no evidence).
  const settled = since(recent, state.settledAt);
  // Missing lag is not zero backlog: without a lag datapoint in the latest settled period, nothing scales in.
  const lagKnown = settled.length > 0 && settled[settled.length - 1]!.lagMs !== null;
  const evidence = lagKnown;
  const { lagMs, growing } = lagTrend(settled);
  const backlog = (lagMs / 1000) * latest.incoming;
  const catchUp = lagMs > params.backlogThresholdMs ? backlog / params.catchUpSeconds : 0;
  const reasons = [
    `demand ${fmt(d0)} rec/s (trend ${slope >= 0 ? '+' : ''}${fmt(slope * 60)} rec/s per min), lag ${fmt(lagMs)} ms${growing ? ' and growing' : ''}, `
      + `backlog ${fmt(backlog)} records, true rate ${fmt(unit)} rec/s per parallelism${state.unitRate === null ? ' (configured)' : ' (learned)'}`,
  ];

  if (settled.length > 0 && !lagKnown) reasons.push('no millisBehindLatest / iterator age in the latest period: missing data is not zero backlog, so no scale-in');
  // Shards: out when the demand projected over the reshard time nears the limit; in on the stable window's peak.
  const shardUtil = (d: number, n: number) => Math.max(d / (n * SHARD_RECORDS_PER_SECOND), (d * bpr) / (n * SHARD_BYTES_PER_SECOND));
  let wantShards = shards;
  const throttled = latest.demand > latest.incoming + 1;
  if (throttled || shardUtil(streamAhead(params.shardLeadSeconds), shards) > params.shardHighUtilization) {
    const sized = streamAhead(params.shardLeadSeconds + params.sizingHorizonSeconds);
    wantShards = Math.max(shards + 1, Math.ceil(shards * (1 + params.shardMinGrowth) - 1e-9), shardsFor(sized, bpr, params.shardTargetUtilization));
    reasons.push(`stream: ${throttled ? `${fmt(latest.demand - latest.incoming)} rec/s throttled` : `projected ${fmt(shardUtil(streamAhead(params.shardLeadSeconds), shards) * 100)} % of ${shards} shards`} → ${wantShards} shards for ${fmt(sized)} rec/s`
      + `${recurring === null ? '' : ` (a rise towards the ${fmt(recurring)} rec/s peak seen in the last ${fmt(params.recurrenceWindowSeconds)} s)`}`);
  } else if (evidence && lagMs <= params.backlogThresholdMs) {
    const low = windowPeak(pts, latest, params.shardLowWindowSeconds);
    // Headroom for a surge beyond the window's peak; from the trough of a pattern whose peak recurs, that peak is what
    // a scale-out would size for, at the target utilisation (near the peak, or above it, the headroom stays).
    const trough = recurring !== null && low.peak >= recurring && d0 <= (1 - params.recurrenceDrop) * recurring;
    const inUtil = trough ? params.shardTargetUtilization : params.shardScaleInUtilization;
    const fit = shardsFor(Math.max(low.peak, streamAhead(params.shardLeadSeconds + params.sizingHorizonSeconds)), bpr, inUtil);
    // Each call is a scarce share of the daily quota: only a real reduction is worth one.
    // A reshard occupies the control loop (Flink waits while the stream is UPDATING): not while Flink may need to grow meanwhile.
    const flinkMayGrow = d0 + risingNow * params.shardLeadSeconds > p * unit * params.flinkHighUtilization;
    if (low.covered && fit <= Math.floor(shards * (1 - params.shardMinShrink) + 1e-9) && flinkMayGrow) {
      reasons.push(`stream: ${fit} shards would do, but Flink may need to grow during the reshard; not now`);
    } else if (low.covered && fit <= Math.floor(shards * (1 - params.shardMinShrink) + 1e-9)) {
      wantShards = fit;
      reasons.push(`stream: peak ${fmt(low.peak)} rec/s over ${fmt(params.shardLowWindowSeconds)} s fits ${fit} shards at ${fmt(inUtil * 100)} %${inUtil === params.shardScaleInUtilization ? '' : ' (a recurring peak)'}`);
    }
  }

  // Flink must process what producers offer (once the stream lets it in) plus the catch-up.
  const reachableShards = Math.min(wantShards, shardRange(shards, config.limits).max);
  const cap = (d: number) => Math.min(d, reachableShards * SHARD_RECORDS_PER_SECOND);
  const capacity = p * unit;
  const stalled = latest.processed !== null && latest.processed < 0.05 * latest.incoming && growing && (latest.cpu ?? 0) < 20;
  // Lag budget: a restart adds its downtime to the lag, so Flink must grow while the lag
  // expected by the time the *next* tick's action would take effect still leaves room for it.
  const staleness = Math.max(0, obs.now - (latest.t + latest.seconds));
  const restart = state.restartSeconds ?? params.restartDowntimeSeconds;
  const lowWindow = flinkLowWindow(state, params);
  const headroom = params.noiseSigmas * demandNoise(recent);
  // A reshard decided now keeps Flink waiting until the stream is ACTIVE again: the next chance to act comes after it.
  const reshardWait = wantShards > shards ? params.reshardSeconds : 0;
  const nextTickDone = staleness + intervalOf(state) + reshardWait + restart;
  const lagThen = lagAfter(lagMs / 1000, (t) => cap(d0 + rising * t), capacity, nextTickDone);
  const projected = cap(ahead(params.flinkLeadSeconds)) + catchUp;
  // Lag that drains on its own (capacity above demand) is no reason for another restart.
  const short = cap(ahead(nextTickDone)) > capacity;
  let wantP = p;
  if (stalled) {
    reasons.push(`Flink processes ${fmt(latest.processed ?? 0)} rec/s at CPU ${fmt(latest.cpu ?? 0)} %: stalled, not short of capacity; holding`);
  } else if ((short && lagThen + restart > params.lagTargetSeconds) || (catchUp > 0 && (projected > capacity || growing))) {
    // Sized once for what the next hysteresis window is likely to bring: the projection plus the noise, and at least
    // the window's own peak (which a scale-in would keep anyway), so a recurring swing is not chased step by step.
    const recentPeak = windowPeak(pts, latest, lowWindow).peak;
    const base = Math.max(cap(ahead(params.flinkLeadSeconds + params.sizingHorizonSeconds)) + headroom, cap(recentPeak));
    // The restart this scale-out causes leaves its own backlog (demand × downtime) to catch up, as DS2 sizes it.
    // With slow restarts the size sticks for hours (scale-in must pay for a breach): catch up over longer, size less for it.
    const catchUpTime = Math.max(params.catchUpSeconds, params.catchUpRestarts * restart);
    const sized = base + (catchUp * params.catchUpSeconds) / catchUpTime + (base * restart) / catchUpTime;
    // A restart longer than the lag target breaches the SLO by itself: buy more headroom with each one.
    const util = restart > params.lagTargetSeconds ? Math.min(params.flinkTargetUtilization, params.slowRestartUtilization) : params.flinkTargetUtilization;
    wantP = Math.max(p + 1, Math.ceil(sized / (unit * util) - 1e-9));
    reasons.push(`Flink: lag expected ${fmt(lagThen)} s by the next chance to act (+ ${fmt(restart)} s restart, target ${fmt(params.lagTargetSeconds)} s); `
      + `projected ${fmt(projected)} rec/s vs ${fmt(capacity)} (parallelism ${p}) → ${wantP} for ${fmt(sized)} rec/s`);
  } else if (throttled) {
    reasons.push('Flink: producers are still retrying throttled records; no scale-in until they have caught up');
  } else if (evidence && lagMs <= params.backlogThresholdMs) {
    const long = windowPeak(pts, latest, lowWindow);
    // Cliff fast path: a deep drop that has persisted is a new level, not a trough; it need not wait out the window.
    const recentLow = windowPeak(pts, latest, params.cliffSeconds);
    const cliff = recentLow.covered && long.peak > 0 && recentLow.peak <= (1 - params.cliffDrop) * long.peak && risingNow * params.cliffSeconds < headroom + 1;
    const low = cliff ? recentLow : long;
    const need = Math.max(low.peak, cap(d0 + risingNow * (params.flinkLeadSeconds + params.sizingHorizonSeconds))) + headroom;
    const fit = Math.max(1, Math.ceil(need / (unit * params.flinkScaleInUtilization) - 1e-9));
    const restartTimes = state.restartTimes ?? [];
    const restartsLastHour = restartTimes.filter((t) => t > obs.now - 3600).length;
    const spacing = (restart * 3600) / params.restartBudgetSecondsPerHour;
    const sinceLast = restartTimes.length ? obs.now - restartTimes[restartTimes.length - 1]! : Infinity;
    if (low.covered && fit < p && restartsLastHour >= params.restartBudgetPerHour) {
      reasons.push(`Flink: parallelism ${fit} would do, but ${restartsLastHour} restarts in the last hour used the budget of ${params.restartBudgetPerHour}; holding`);
    } else if (low.covered && fit < p && sinceLast < spacing) {
      reasons.push(`Flink: parallelism ${fit} would do, but the last restart was ${fmt(sinceLast)} s ago; at ${fmt(restart)} s per restart the downtime budget (${fmt(params.restartBudgetSecondsPerHour)} s per hour) allows the next scale-in in ${fmt(spacing - sinceLast)} s`);
    } else if (low.covered && fit < p) {
      if (cliff) reasons.push(`Flink: demand ${fmt(recentLow.peak)} rec/s for ${fmt(params.cliffSeconds)} s, ≥ ${fmt(params.cliffDrop * 100)} % below the ${fmt(long.peak)} peak: a lasting drop`);
      // Worth it when the saving until demand is projected to need p again beats paying for the downtime.
      const horizon = params.scaleInHorizonSeconds;
      const lowFor = risingNow > 0 ? Math.min(horizon, Math.max(0, (fit * unit - d0) / risingNow)) : horizon;
      const saving = ((kpus(p, ppk) - kpus(fit, ppk)) * params.kpuHourPrice * lowFor) / 3600;
      // A restart longer than the lag target costs SLO minutes too, valued at `sloMinuteDollars` each.
      const breachMinutes = Math.max(0, restart - params.lagTargetSeconds) / 60;
      const downtime = (costPerHour(shards, p, ppk, params) * restart) / 3600 + breachMinutes * params.sloMinuteDollars;
      // A restart longer than the lag target breaches the SLO by itself: only a lasting low is worth one.
      const breaches = restart >= params.lagTargetSeconds;
      if (saving > downtime && (!breaches || lowFor >= horizon)) {
        wantP = fit;
        reasons.push(`Flink: peak ${fmt(low.peak)} rec/s over ${fmt(cliff ? params.cliffSeconds : lowWindow)} s (+ ${fmt(headroom)} noise) fits parallelism ${fit}; saves $${saving.toFixed(3)} over ${fmt(lowFor)} s > $${downtime.toFixed(3)} of downtime`);
      } else {
        reasons.push(`Flink: parallelism ${fit} would do, but saves only $${saving.toFixed(3)} before demand returns (downtime worth $${downtime.toFixed(3)})`);
      }
    }
  }
  // Parallelism ≤ shards × subtasks-per-shard: a Flink scale-out that needs more subtasks brings the shards with it
  // (constrain() then caps parallelism at the shard count the decision really reaches).
  if (params.subtasksPerShard > 0 && wantP > p && wantP > wantShards * params.subtasksPerShard) {
    const needed = Math.ceil(wantP / params.subtasksPerShard);
    reasons.push(`stream: parallelism ${wantP} needs ≥ ${needed} shards at ${params.subtasksPerShard} subtask(s) per shard`);
    wantShards = Math.max(wantShards, needed);
  }
  return { shards: wantShards, parallelism: wantP, reasons };
}

/** Applies bounds, the 2×/½ rule, the quota and its reserve, the KPU maximum, the cost ceiling and holds. */
function constrain(planned: Plan, state: AdaptiveState, obs: Observation, config: PolicyConfig, params: Params): { target: ScalingTarget; reasons: string[] } {
  const { shards, parallelism: p, parallelismPerKpu: ppk } = obs.capacity;
  const reasons = [...planned.reasons];
  const target: ScalingTarget = {};
  const latest = state.points[state.points.length - 1];
  const throttling = latest !== undefined && latest.demand > latest.incoming;

  const sps = params.subtasksPerShard;
  const limits = config.limits;
  const outside = outOfBounds(obs.capacity, limits);
  if (outside) reasons.push(`outside the bounds (${outside}): returning in AWS-legal steps unless that would cut capacity under load`);

  // Parallelism first: within bounds, the KPU maximum and the cost ceiling; a scale-out is never turned into a cut.
  const maxP = maxParallelismFor(limits, ppk);
  let pp = Math.min(Math.max(planned.parallelism, limits.minParallelism), maxP);
  if (params.maxCostPerHour > 0) {
    while (pp > Math.max(p, limits.minParallelism) && costPerHour(shards, pp, ppk, params) > params.maxCostPerHour) pp--;
  }
  if (planned.parallelism > p && pp < p) {
    reasons.push(`Flink needs ${planned.parallelism} but the bounds allow ${pp}: holding parallelism ${p}, not cutting under load`);
    pp = p;
  }

  // Shards: within 2×/½ and bounds (one legal step towards them when outside), the cost ceiling, never a cut on a
  // scale-out, and on a scale-in never below what the parallelism needs (parallelism ≤ shards × subtasks-per-shard).
  const range = shardRange(shards, limits);
  let s = Math.min(Math.max(planned.shards, range.min), range.max);
  if (params.maxCostPerHour > 0) {
    while (s > shards && costPerHour(s, pp, ppk, params) > params.maxCostPerHour) s--;
  }
  if (planned.shards > shards && s < shards) {
    reasons.push(`the stream needs ${planned.shards} shards but the bounds allow ${s}: holding ${shards}, not cutting under load`);
    s = shards;
  }
  if (sps > 0 && s < shards) {
    // Flink shrinks before the stream; if Flink cannot change now, the current parallelism is what must fit.
    const after = flinkChangeBlocker(obs) === null ? pp : Math.max(p, pp);
    const floor = Math.min(shards, Math.ceil(after / sps));
    if (s < floor) {
      reasons.push(`shards stay ≥ ${floor} for parallelism ${pp} at ${sps} subtask(s) per shard`);
      s = floor;
    }
  }
  if (s !== shards) {
    const up = s > shards;
    const reserve = up ? (throttling ? 0 : params.shardUpdateReserve - 1) : params.shardUpdateReserve;
    const blocker = shardChangeBlocker(obs, Math.max(0, reserve));
    const held = obs.now < (up ? state.holds.shardsUp : state.holds.shardsDown);
    if (blocker) reasons.push(`shards ${shards} → ${s} blocked: ${blocker}`);
    else if (held) reasons.push(`shards ${shards} → ${s} held after a rollback until ${fmt(state.holds[up ? 'shardsUp' : 'shardsDown'] - obs.now)} s from now`);
    else {
      target.shards = s;
      reasons.push(`shards ${shards} → ${s} (${remainingShardUpdates(obs)} UpdateShardCount calls left in 24 h)`);
    }
  }

  // The parallelism cap uses the shard count this decision really leaves (after 2×/½, quota, bounds and holds).
  const finalShards = target.shards ?? shards;
  if (sps > 0 && pp > finalShards * sps) {
    const cap = finalShards * sps;
    if (pp > p) {
      const capped = Math.max(p, cap);
      reasons.push(`parallelism capped at ${capped}: ${finalShards} shards × ${sps} subtask(s) per shard${capped > cap ? ' (already above it; not raised further, not cut under load)' : ''}`);
      pp = capped;
    } else {
      reasons.push(`parallelism ${pp} > ${finalShards} shards × ${sps}: lowered to ${cap}`);
      pp = Math.max(limits.minParallelism, cap);
    }
  }
  if (pp !== p) {
    const up = pp > p;
    const blocker = flinkChangeBlocker(obs);
    const held = obs.now < (up ? state.holds.flinkUp : state.holds.flinkDown);
    // Shrinking Flink while the stream grows would undo the coordination order; wait for the next tick.
    const crossed = !up && target.shards !== undefined && target.shards > shards;
    if (blocker) reasons.push(`parallelism ${p} → ${pp} blocked: ${blocker}`);
    else if (held) reasons.push(`parallelism ${p} → ${pp} held after a rollback`);
    else if (crossed) reasons.push(`parallelism ${p} → ${pp} waits until the stream has grown`);
    else {
      target.parallelism = pp;
      reasons.push(`parallelism ${p} → ${pp} (${kpus(p, ppk)} → ${kpus(pp, ppk)} KPUs)`);
    }
  }
  return { target, reasons };
}

export const adaptiveV2Policy: ScalingPolicy<AdaptiveState> = {
  name: 'adaptive',
  description: 'shardpilot: demand- and backlog-driven, learns the true Flink rate, jumps to the target within quota, coordinated, scales in only when stable.',
  defaultParameters: { ...DEFAULTS },
  validateParameters: (parameters) => validateAgainst(RULES, parameters),
  initialState: () => ({
    lastSampleTimestamp: null,
    points: [],
    unitRate: null,
    settledAt: 0,
    lastNow: null,
    interval: null,
    restartSeconds: null,
    restartPeakMs: 0,
    pending: null,
    holds: { shardsUp: 0, shardsDown: 0, flinkUp: 0, flinkDown: 0 },
    restartTimes: [],
  }),
  decide(state, obs, config): DecideResult<AdaptiveState> {
    const params = parametersOf(DEFAULTS, config);
    const fresh = newSamples(obs.samples, state.lastSampleTimestamp);
    const horizon = Math.max(params.shardLowWindowSeconds, flinkLowWindow(state, params), params.trendWindowSeconds, params.recurrenceWindowSeconds) + 600;
    const freshPoints = fresh.map((s) => toPoint(s, s.timestamp >= state.settledAt ? obs.capacity.parallelism : null, params.throttledShare));
    const points = [...state.points, ...freshPoints].filter((x) => x.t >= obs.now - horizon);
    const withPoints: AdaptiveState = {
      ...state,
      lastNow: obs.now,
      interval: state.lastNow !== null && obs.now > state.lastNow ? Math.min(obs.now - state.lastNow, 3600) : state.interval,
      points,
      lastSampleTimestamp: fresh.length ? fresh[fresh.length - 1]!.timestamp : state.lastSampleTimestamp,
    };
    const learned: AdaptiveState = {
      ...withPoints,
      ...learnRestart(state, fresh, params),
      unitRate: learn(state.unitRate, freshPoints, params),
    };
    const planned = plan(learned, obs, config, params);
    const { target, reasons } = constrain(planned, learned, obs, config, params);
    const acting = Object.keys(target).length > 0;
    const nextState: AdaptiveState = acting
      ? { ...learned, pending: { target, from: { shards: obs.capacity.shards, parallelism: obs.capacity.parallelism } } }
      : learned;
    return { decision: { kind: acting ? 'scale' : 'none', target, reasons }, nextState };
  },
  onActionOutcome(state, outcome: ActionOutcome, config) {
    const holds = { ...state.holds };
    if (outcome.result !== 'applied' && state.pending) {
      const until = outcome.at + config.cooldownSeconds;
      const { from } = state.pending;
      if (outcome.target.shards !== undefined) holds[outcome.target.shards > from.shards ? 'shardsUp' : 'shardsDown'] = until;
      if (outcome.target.parallelism !== undefined) holds[outcome.target.parallelism > from.parallelism ? 'flinkUp' : 'flinkDown'] = until;
    }
    const restarted = outcome.result === 'applied' && outcome.target.parallelism !== undefined;
    // The last restart is always kept (the downtime budget's spacing may exceed an hour); older ones only for the hour.
    const all = [...(state.restartTimes ?? []), ...(restarted ? [outcome.at] : [])];
    const restartTimes = all.filter((t, i) => t > outcome.at - 3600 || i === all.length - 1);
    // Periods that overlap the action describe the old capacity or the restart: not evidence for the new one.
    return { ...state, holds, pending: null, settledAt: Math.max(state.settledAt, outcome.at), restartTimes };
  },
};
