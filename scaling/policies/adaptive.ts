/**
 * shardpilot's own policy (SCALING.md "the goal"). Sizes both resources from demand
 * and backlog, learns the true Flink rate online, jumps straight to the target, and
 * spends the UpdateShardCount quota and restarts sparingly:
 *
 * - Demand = records accepted + records throttled (what producers offer), bytes too;
 *   extrapolated along its recent trend over the time an action needs to take effect.
 * - Backlog = millisBehindLatest × input rate; drained within `catchUpSeconds`.
 * - Scale out as soon as the projected demand (plus catch-up) exceeds the high-water
 *   utilisation; land at the target utilisation, within 2×/½, bounds, the KPU maximum,
 *   the cost ceiling and the daily quota minus a reserve (kept for emergencies:
 *   throttling spends it, pre-emptive moves do not).
 * - Scale in only when the peak demand of the last `stableLowSeconds` fits the smaller
 *   capacity at the target utilisation, the backlog is under `backlogThresholdMs`, the
 *   cooldown has passed, and an hour's saving outweighs the restart.
 * - Coordinated: one decision may carry both resources; the workflow applies the stream
 *   first when it grows and Flink first when it shrinks. Parallelism stays ≤ shards ×
 *   `subtasksPerShard` unless that is 0.
 * - After a rollback the same direction on that resource is held for the cooldown.
 */
import type { ActionOutcome, DecideResult, Observation, PolicyConfig, ScalingPolicy, ScalingTarget } from '../types.js';
import {
  ARTICLE_RECORDS_PER_PARALLELISM, SHARD_BYTES_PER_SECOND, SHARD_RECORDS_PER_SECOND,
  flinkChangeBlocker, fmt, kpus, maxParallelismFor, newSamples, parametersOf, remainingShardUpdates,
  shardChangeBlocker, shardRange, validateAgainst,
} from './common.js';
import { bytesPerRecord, demandSlope, lagTrend, maxOf, observedUnitRate, since, toPoint, type Point } from './adaptive-signals.js';

const DEFAULTS = {
  recordsPerSecondPerParallelism: ARTICLE_RECORDS_PER_PARALLELISM,
  shardTargetUtilization: 0.8,
  shardHighUtilization: 0.9,
  flinkTargetUtilization: 0.85,
  flinkHighUtilization: 0.95,
  trendWindowSeconds: 600,
  leadSeconds: 300,
  catchUpSeconds: 300,
  backlogThresholdMs: 10_000,
  stableLowSeconds: 1200,
  shardUpdateReserve: 2,
  subtasksPerShard: 1,
  learningRate: 0.3,
  minBusyForLearning: 0.3,
  restartDowntimeSeconds: 60,
  maxCostPerHour: 0,
  shardHourPrice: 0.015,
  kpuHourPrice: 0.11,
  defaultBytesPerRecord: 350,
};
const RULES: Record<keyof typeof DEFAULTS, { min: number; max: number; integer?: boolean }> = {
  recordsPerSecondPerParallelism: { min: 1, max: 10_000_000 },
  shardTargetUtilization: { min: 0.1, max: 1 },
  shardHighUtilization: { min: 0.1, max: 1 },
  flinkTargetUtilization: { min: 0.1, max: 1 },
  flinkHighUtilization: { min: 0.1, max: 1 },
  trendWindowSeconds: { min: 0, max: 86_400 },
  leadSeconds: { min: 0, max: 86_400 },
  catchUpSeconds: { min: 1, max: 86_400 },
  backlogThresholdMs: { min: 0, max: 86_400_000 },
  stableLowSeconds: { min: 0, max: 86_400 },
  shardUpdateReserve: { min: 0, max: 9, integer: true },
  subtasksPerShard: { min: 0, max: 64, integer: true },
  learningRate: { min: 0, max: 1 },
  minBusyForLearning: { min: 0.01, max: 1 },
  restartDowntimeSeconds: { min: 0, max: 3600 },
  maxCostPerHour: { min: 0, max: 1_000_000 },
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
  lastChangeAt: number;
  pending: { target: ScalingTarget; from: { shards: number; parallelism: number } } | null;
  holds: { shardsUp: number; shardsDown: number; flinkUp: number; flinkDown: number };
};

type Plan = { shards: number; parallelism: number; reasons: string[] };

function unitRateOf(state: AdaptiveState, params: Params): number {
  return state.unitRate ?? params.recordsPerSecondPerParallelism;
}

function learn(state: AdaptiveState, params: Params): number | null {
  let rate = state.unitRate;
  for (const p of since(state.points, state.settledAt)) {
    const observed = observedUnitRate(p, params.minBusyForLearning);
    if (observed === null) continue;
    rate = rate === null ? observed : rate + params.learningRate * (observed - rate);
  }
  return rate;
}

function shardsFor(demand: number, bpr: number, utilization: number): number {
  return Math.max(1, Math.ceil(Math.max(demand / SHARD_RECORDS_PER_SECOND, (demand * bpr) / SHARD_BYTES_PER_SECOND) / utilization - 1e-9));
}

function costPerHour(shards: number, parallelism: number, ppk: number, params: Params): number {
  return shards * params.shardHourPrice + kpus(parallelism, ppk) * params.kpuHourPrice;
}

/** The capacity this policy wants now, before AWS constraints and holds. */
function plan(state: AdaptiveState, obs: Observation, config: PolicyConfig, params: Params): Plan {
  const { shards, parallelism: p, parallelismPerKpu: ppk } = obs.capacity;
  const pts = state.points;
  const latest = pts[pts.length - 1];
  if (!latest) return { shards, parallelism: p, reasons: ['no metrics yet'] };
  const bpr = bytesPerRecord(pts, params.defaultBytesPerRecord);
  const unit = unitRateOf(state, params);
  const recent = pts.filter((x) => x.t >= latest.t - params.trendWindowSeconds);
  const slope = Math.max(0, demandSlope(recent));
  const now = latest.demand;
  const projected = now + slope * params.leadSeconds;
  const lowWindow = pts.filter((x) => x.t >= latest.t - params.stableLowSeconds);
  const windowCovered = lowWindow.reduce((a, x) => a + x.seconds, 0) >= params.stableLowSeconds;
  const lowPeak = maxOf(lowWindow.map((x) => x.demand));
  const { lagMs, growing } = lagTrend(since(recent, state.settledAt));
  const backlog = (lagMs / 1000) * latest.incoming;
  const catchUp = lagMs > params.backlogThresholdMs ? backlog / params.catchUpSeconds : 0;
  const reasons = [
    `demand ${fmt(now)} rec/s (trend ${slope > 0 ? '+' : ''}${fmt(slope * 60)} rec/s per min → ${fmt(projected)} in ${fmt(params.leadSeconds)} s), `
      + `lag ${fmt(lagMs)} ms${growing ? ' and growing' : ''}, backlog ${fmt(backlog)} records, true rate ${fmt(unit)} rec/s per parallelism`,
  ];

  // Shards: out on projected demand, in on the stable window's peak.
  let wantShards = shards;
  const shardUtil = Math.max(projected / (shards * SHARD_RECORDS_PER_SECOND), (projected * bpr) / (shards * SHARD_BYTES_PER_SECOND));
  if (shardUtil > params.shardHighUtilization) {
    wantShards = shardsFor(projected, bpr, params.shardTargetUtilization);
    reasons.push(`stream at ${fmt(shardUtil * 100)} % of ${shards} shards > ${fmt(params.shardHighUtilization * 100)} % → ${wantShards} shards`);
  } else if (windowCovered) {
    const fit = shardsFor(Math.max(lowPeak, projected), bpr, params.shardTargetUtilization);
    if (fit < shards) {
      wantShards = fit;
      reasons.push(`peak demand ${fmt(lowPeak)} rec/s over ${fmt(params.stableLowSeconds)} s fits ${fit} shards at ${fmt(params.shardTargetUtilization * 100)} %`);
    }
  }

  // Flink: what must be processed is what producers offer (once the stream lets it in) plus the catch-up.
  const flinkDemand = Math.min(projected, wantShards * SHARD_RECORDS_PER_SECOND) + catchUp;
  const stalled = latest.processed !== null && latest.processed < 0.05 * latest.incoming && growing && (latest.cpu ?? 0) < 20;
  let wantP = p;
  const flinkUtil = flinkDemand / (p * unit);
  if (stalled) {
    reasons.push(`Flink processes ${fmt(latest.processed ?? 0)} rec/s with CPU ${fmt(latest.cpu ?? 0)} %: stalled, not short of capacity; holding`);
  } else if (flinkUtil > params.flinkHighUtilization || (catchUp > 0 && growing)) {
    wantP = Math.max(p, Math.ceil(flinkDemand / (unit * params.flinkTargetUtilization) - 1e-9));
    reasons.push(`Flink at ${fmt(flinkUtil * 100)} % of parallelism ${p}${catchUp > 0 ? ` with catch-up ${fmt(catchUp)} rec/s` : ''} → ${wantP}`);
  } else if (windowCovered && lagMs <= params.backlogThresholdMs) {
    const fit = Math.max(1, Math.ceil(Math.max(lowPeak, projected) / (unit * params.flinkTargetUtilization) - 1e-9));
    const saving = (kpus(p, ppk) - kpus(fit, ppk)) * 3600;
    const lost = fit * params.restartDowntimeSeconds;
    if (fit < p && saving > lost) {
      wantP = fit;
      reasons.push(`peak demand ${fmt(lowPeak)} rec/s over ${fmt(params.stableLowSeconds)} s fits parallelism ${fit} at ${fmt(params.flinkTargetUtilization * 100)} %`);
    }
  }
  if (params.subtasksPerShard > 0) wantP = Math.min(wantP, wantShards * params.subtasksPerShard);
  return { shards: wantShards, parallelism: wantP, reasons };
}

/** Applies bounds, the 2×/½ rule, the quota and its reserve, the KPU maximum, the cost ceiling and holds. */
function constrain(planned: Plan, state: AdaptiveState, obs: Observation, config: PolicyConfig, params: Params): { target: ScalingTarget; reasons: string[] } {
  const { shards, parallelism: p, parallelismPerKpu: ppk } = obs.capacity;
  const reasons = [...planned.reasons];
  const target: ScalingTarget = {};
  const latest = state.points[state.points.length - 1];
  const throttling = latest !== undefined && latest.demand > latest.incoming;

  let s = planned.shards;
  const range = shardRange(shards, config.limits);
  s = Math.min(Math.max(s, range.min), range.max);
  let pp = Math.min(Math.max(planned.parallelism, config.limits.minParallelism), maxParallelismFor(config.limits, ppk));
  if (params.maxCostPerHour > 0) {
    while (pp > Math.max(p, config.limits.minParallelism) && costPerHour(s, pp, ppk, params) > params.maxCostPerHour) pp--;
    while (s > shards && costPerHour(s, pp, ppk, params) > params.maxCostPerHour) s--;
  }
  if (s !== shards) {
    const up = s > shards;
    const reserve = up ? (throttling ? 0 : params.shardUpdateReserve - 1) : params.shardUpdateReserve;
    const blocker = shardChangeBlocker(obs, Math.max(0, reserve));
    const held = obs.now < (up ? state.holds.shardsUp : state.holds.shardsDown);
    const cooling = !up && obs.now < state.lastChangeAt + config.cooldownSeconds;
    if (blocker) reasons.push(`shards ${shards} → ${s} blocked: ${blocker}`);
    else if (held) reasons.push(`shards ${shards} → ${s} held after a rollback until ${fmt(state.holds[up ? 'shardsUp' : 'shardsDown'] - obs.now)} s from now`);
    else if (cooling) reasons.push(`shards ${shards} → ${s} waits for the cooldown`);
    else {
      target.shards = s;
      reasons.push(`shards ${shards} → ${s} (${remainingShardUpdates(obs)} UpdateShardCount calls left in 24 h)`);
    }
  }
  if (pp !== p) {
    const up = pp > p;
    const blocker = flinkChangeBlocker(obs);
    const held = obs.now < (up ? state.holds.flinkUp : state.holds.flinkDown);
    const cooling = !up && obs.now < state.lastChangeAt + config.cooldownSeconds;
    // Shrinking Flink while the stream grows would undo the coordination order; wait for the next tick.
    const crossed = !up && target.shards !== undefined && target.shards > shards;
    if (blocker) reasons.push(`parallelism ${p} → ${pp} blocked: ${blocker}`);
    else if (held) reasons.push(`parallelism ${p} → ${pp} held after a rollback`);
    else if (cooling) reasons.push(`parallelism ${p} → ${pp} waits for the cooldown`);
    else if (crossed) reasons.push(`parallelism ${p} → ${pp} waits until the stream has grown`);
    else {
      target.parallelism = pp;
      reasons.push(`parallelism ${p} → ${pp} (${kpus(p, ppk)} → ${kpus(pp, ppk)} KPUs)`);
    }
  }
  return { target, reasons };
}

export const adaptivePolicy: ScalingPolicy<AdaptiveState> = {
  name: 'adaptive',
  description: 'shardpilot: demand- and backlog-driven, learns the true Flink rate, jumps to the target within quota, coordinated, scales in only when stable.',
  defaultParameters: { ...DEFAULTS },
  validateParameters: (parameters) => validateAgainst(RULES, parameters),
  initialState: () => ({
    lastSampleTimestamp: null,
    points: [],
    unitRate: null,
    settledAt: 0,
    lastChangeAt: 0,
    pending: null,
    holds: { shardsUp: 0, shardsDown: 0, flinkUp: 0, flinkDown: 0 },
  }),
  decide(state, obs, config): DecideResult<AdaptiveState> {
    const params = parametersOf(DEFAULTS, config);
    const fresh = newSamples(obs.samples, state.lastSampleTimestamp);
    const horizon = Math.max(params.stableLowSeconds, params.trendWindowSeconds) + 600;
    const points = [...state.points, ...fresh.map((s) => toPoint(s, s.timestamp >= state.settledAt ? obs.capacity.parallelism : null))]
      .filter((x) => x.t >= obs.now - horizon);
    const withPoints: AdaptiveState = {
      ...state,
      points,
      lastSampleTimestamp: fresh.length ? fresh[fresh.length - 1]!.timestamp : state.lastSampleTimestamp,
    };
    const learned: AdaptiveState = { ...withPoints, unitRate: learn(withPoints, params), settledAt: state.settledAt };
    // Learned periods are consumed: later ticks must not count them again.
    const consumed: AdaptiveState = { ...learned, settledAt: Math.max(learned.settledAt, (learned.lastSampleTimestamp ?? 0) + 1) };
    const planned = plan({ ...learned }, obs, config, params);
    const { target, reasons } = constrain(planned, learned, obs, config, params);
    const acting = Object.keys(target).length > 0;
    const nextState: AdaptiveState = acting
      ? { ...consumed, pending: { target, from: { shards: obs.capacity.shards, parallelism: obs.capacity.parallelism } }, lastChangeAt: obs.now }
      : consumed;
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
    // Periods that overlap the action describe the old capacity or the restart: not evidence for the new one.
    return { ...state, holds, pending: null, lastChangeAt: outcome.at, settledAt: Math.max(state.settledAt, outcome.at) };
  },
};
