/**
 * The Flink Kubernetes Operator's autoscaler (DS2, OSDI 2018) with its defaults,
 * applied to the whole job as one vertex, paired with a simple shard rule.
 *
 * Flink: true rate per parallelism = observed processing rate ÷ busy fraction (CPU is
 * the busy-time proxy on Managed Flink); target capacity = input ÷ 0.7 + backlog ÷
 * catch-up (30 min) + input × restart time (5 min) ÷ catch-up; one jump to the
 * target when utilisation leaves [0.4, 1.0]; metrics averaged over a 15 min window
 * collected after a 5 min stabilization; scale-down at most −60 % per step and only
 * after it has been recommended for the 1 h scale-down interval (then to the highest
 * parallelism recommended meanwhile).
 *
 * Shards (the pairing, after AWS's alarm + Lambda sample): double when one period's
 * write utilisation (records or bytes, throttled writes included) reaches 80 %; halve
 * when it stays below 30 % for 15 min and the iterator age is under a minute; the
 * configured cooldown between shard changes; never beyond the quota.
 */
import type { DecideResult, MetricsSample, Observation, PolicyConfig, ScalingPolicy, ScalingTarget } from '../types.js';
import {
  ARTICLE_RECORDS_PER_PARALLELISM,
  SHARD_BYTES_PER_SECOND,
  SHARD_RECORDS_PER_SECOND,
  flinkChangeBlocker,
  fmt,
  maxParallelismFor,
  newSamples,
  parametersOf,
  shardChangeBlocker,
  shardRange,
  validateAgainst,
} from './common.js';

const DEFAULTS = {
  targetUtilization: 0.7,
  utilizationBoundary: 0.3,
  metricsWindowSeconds: 900,
  stabilizationSeconds: 300,
  catchUpSeconds: 1800,
  restartSeconds: 300,
  scaleDownMaxFactor: 0.6,
  scaleDownIntervalSeconds: 3600,
  recordsPerSecondPerParallelism: ARTICLE_RECORDS_PER_PARALLELISM,
  shardScaleOutUtilization: 0.8,
  shardScaleInUtilization: 0.3,
  shardScaleInSeconds: 900,
  iteratorAgeBlockMs: 60_000,
};
const RULES = {
  targetUtilization: { min: 0.05, max: 1 },
  utilizationBoundary: { min: 0, max: 0.95 },
  metricsWindowSeconds: { min: 1, max: 86_400 },
  stabilizationSeconds: { min: 0, max: 86_400 },
  catchUpSeconds: { min: 1, max: 86_400 },
  restartSeconds: { min: 0, max: 86_400 },
  scaleDownMaxFactor: { min: 0, max: 1 },
  scaleDownIntervalSeconds: { min: 0, max: 7 * 86_400 },
  recordsPerSecondPerParallelism: { min: 1, max: 10_000_000 },
  shardScaleOutUtilization: { min: 0.05, max: 1 },
  shardScaleInUtilization: { min: 0, max: 1 },
  shardScaleInSeconds: { min: 1, max: 7 * 86_400 },
  iteratorAgeBlockMs: { min: 0, max: 7 * 86_400_000 },
};
type Params = typeof DEFAULTS;

type WindowPoint = { t: number; seconds: number; input: number; processed: number | null; busy: number | null; lagMs: number | null };

export type Ds2State = {
  lastSampleTimestamp: number | null;
  /** Samples collected since the last rescale's stabilization ended (oldest first). */
  window: WindowPoint[];
  collectFrom: number;
  pendingScaleDown: { since: number; parallelism: number } | null;
  shardLowSeconds: number;
  shardCooldownUntil: number;
};

function toPoint(s: MetricsSample): WindowPoint {
  return {
    t: s.timestamp,
    seconds: s.periodSeconds,
    input: (s.incomingRecords ?? 0) / s.periodSeconds,
    processed: s.numRecordsInPerSecond,
    busy: s.cpuUtilization === null ? null : s.cpuUtilization / 100,
    lagMs: s.millisBehindLatest,
  };
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** DS2's recommendation for one vertex, or why there is none yet. */
function recommend(state: Ds2State, p: number, params: Params): { parallelism: number; reasons: string[] } | string {
  const w = state.window;
  const covered = w.reduce((a, x) => a + x.seconds, 0);
  if (covered < params.metricsWindowSeconds) return `DS2: metrics window ${fmt(covered)} of ${fmt(params.metricsWindowSeconds)} s collected`;
  const input = mean(w.map((x) => x.input)) ?? 0;
  const trueRates = w
    .filter((x) => x.processed !== null && x.busy !== null && x.busy >= 0.05)
    .map((x) => x.processed! / x.busy! / p);
  const perParallelism = mean(trueRates) ?? params.recordsPerSecondPerParallelism;
  const lagMs = w[w.length - 1]?.lagMs ?? 0;
  const backlog = (lagMs / 1000) * input;
  const catchUpRate = backlog / params.catchUpSeconds;
  const target = input / params.targetUtilization + catchUpRate + (input * params.restartSeconds) / params.catchUpSeconds;
  const capacity = p * perParallelism;
  const utilization = capacity > 0 ? (input + catchUpRate) / capacity : Infinity;
  const reasons = [
    `DS2: input ${fmt(input)} rec/s, true rate ${fmt(perParallelism)} rec/s per parallelism, backlog ${fmt(backlog)} records, `
      + `utilisation ${fmt(utilization * 100)} % of parallelism ${p}`,
  ];
  const low = params.targetUtilization - params.utilizationBoundary;
  const high = params.targetUtilization + params.utilizationBoundary;
  if (utilization >= low && utilization <= high) return reasons.concat(`within [${fmt(low * 100)} %, ${fmt(high * 100)} %]`).join('; ');
  let wanted = Math.max(1, Math.ceil(target / perParallelism));
  if (wanted < p) wanted = Math.max(wanted, Math.ceil(p * (1 - params.scaleDownMaxFactor)));
  reasons.push(`target ${fmt(target)} rec/s = input ÷ ${params.targetUtilization} + backlog ÷ ${fmt(params.catchUpSeconds)} s + input × ${fmt(params.restartSeconds)} s restart ÷ catch-up → parallelism ${wanted}`);
  return { parallelism: wanted, reasons };
}

function decideFlink(state: Ds2State, observation: Observation, config: PolicyConfig, params: Params): { state: Ds2State; parallelism?: number; reasons: string[] } {
  const p = observation.capacity.parallelism;
  const rec = recommend(state, p, params);
  if (typeof rec === 'string') return { state: { ...state, pendingScaleDown: null }, reasons: [rec] };
  const bounded = Math.min(Math.max(rec.parallelism, config.limits.minParallelism), maxParallelismFor(config.limits, observation.capacity.parallelismPerKpu));
  if (bounded === p) return { state: { ...state, pendingScaleDown: null }, reasons: [...rec.reasons, `bounded to ${p}: no change`] };
  let next = state;
  let want = bounded;
  if (bounded < p) {
    const pending = state.pendingScaleDown ?? { since: observation.now, parallelism: bounded };
    const merged = { since: pending.since, parallelism: Math.max(pending.parallelism, bounded) };
    next = { ...state, pendingScaleDown: merged };
    const waited = observation.now - merged.since;
    if (waited < params.scaleDownIntervalSeconds) {
      return { state: next, reasons: [...rec.reasons, `scale-down to ${merged.parallelism} waits for the scale-down interval (${fmt(waited)} of ${fmt(params.scaleDownIntervalSeconds)} s)`] };
    }
    want = merged.parallelism;
  } else {
    next = { ...state, pendingScaleDown: null };
  }
  const blocker = flinkChangeBlocker(observation);
  if (blocker) return { state: next, reasons: [...rec.reasons, `but ${blocker}`] };
  return { state: next, parallelism: want, reasons: [...rec.reasons, `parallelism ${p} → ${want}`] };
}

function decideShards(state: Ds2State, observation: Observation, config: PolicyConfig, params: Params, samples: MetricsSample[]): { state: Ds2State; shards?: number; reasons: string[] } {
  const shards = observation.capacity.shards;
  let lowSeconds = state.shardLowSeconds;
  let peak = 0;
  let iteratorAgeMs = 0;
  for (const s of samples) {
    const records = (s.incomingRecords ?? 0) + (s.writeProvisionedThroughputExceeded ?? 0);
    const bytesPerRecord = s.incomingRecords && s.incomingBytes ? s.incomingBytes / s.incomingRecords : 0;
    const util = Math.max(
      records / (s.periodSeconds * SHARD_RECORDS_PER_SECOND * shards),
      (records * bytesPerRecord) / (s.periodSeconds * SHARD_BYTES_PER_SECOND * shards),
    );
    peak = Math.max(peak, util);
    lowSeconds = util < params.shardScaleInUtilization ? lowSeconds + s.periodSeconds : 0;
    iteratorAgeMs = s.iteratorAgeMs ?? iteratorAgeMs;
  }
  const next = { ...state, shardLowSeconds: lowSeconds };
  let want: number;
  let why: string;
  const range = shardRange(shards, config.limits);
  if (peak >= params.shardScaleOutUtilization) {
    want = range.max;
    why = `write utilisation ${fmt(peak * 100)} % ≥ ${fmt(params.shardScaleOutUtilization * 100)} % → double`;
  } else if (lowSeconds >= params.shardScaleInSeconds) {
    if (iteratorAgeMs >= params.iteratorAgeBlockMs) return { state: next, reasons: [`shards: low utilisation but iterator age ${fmt(iteratorAgeMs)} ms blocks scale-in`] };
    want = range.min;
    why = `write utilisation < ${fmt(params.shardScaleInUtilization * 100)} % for ${fmt(lowSeconds)} s → halve`;
  } else {
    return { state: next, reasons: [`shards: write utilisation ${fmt(peak * 100)} %, no change`] };
  }
  if (want === shards) return { state: next, reasons: [`${why}, but ${shards} shards is at its bound`] };
  if (observation.now < state.shardCooldownUntil) return { state: next, reasons: [`${why}, but shard cooldown runs ${fmt(state.shardCooldownUntil - observation.now)} s more`] };
  const blocker = shardChangeBlocker(observation);
  if (blocker) return { state: next, reasons: [`${why}, but ${blocker}`] };
  return { state: { ...next, shardLowSeconds: 0, shardCooldownUntil: observation.now + config.cooldownSeconds }, shards: want, reasons: [`${why}: ${shards} → ${want} shards`] };
}

export const ds2Policy: ScalingPolicy<Ds2State> = {
  name: 'ds2',
  description: 'Flink Kubernetes Operator autoscaler (DS2) defaults for Flink, paired with a double/halve shard rule.',
  defaultParameters: { ...DEFAULTS },
  validateParameters: (parameters) => validateAgainst(RULES, parameters),
  initialState: () => ({ lastSampleTimestamp: null, window: [], collectFrom: 0, pendingScaleDown: null, shardLowSeconds: 0, shardCooldownUntil: 0 }),
  decide(state, observation, config): DecideResult<Ds2State> {
    const params = parametersOf(DEFAULTS, config);
    const samples = newSamples(observation.samples, state.lastSampleTimestamp);
    const lastSampleTimestamp = samples.length ? samples[samples.length - 1]!.timestamp : state.lastSampleTimestamp;
    const fresh = samples.filter((s) => s.timestamp >= state.collectFrom).map(toPoint);
    // The window ends with the newest published period (CloudWatch reports with a delay).
    const merged = [...state.window, ...fresh];
    const newest = merged[merged.length - 1];
    const windowStart = newest ? newest.t + newest.seconds - params.metricsWindowSeconds : observation.now;
    const window = merged.filter((x) => x.t >= windowStart);
    const withWindow: Ds2State = { ...state, lastSampleTimestamp, window };
    const shardPart = decideShards(withWindow, observation, config, params, samples);
    const flinkPart = decideFlink(shardPart.state, observation, config, params);
    const target: ScalingTarget = {};
    if (shardPart.shards !== undefined) target.shards = shardPart.shards;
    if (flinkPart.parallelism !== undefined) target.parallelism = flinkPart.parallelism;
    let nextState = flinkPart.state;
    if (target.parallelism !== undefined) {
      nextState = { ...nextState, window: [], pendingScaleDown: null, collectFrom: observation.now + params.stabilizationSeconds };
    }
    return {
      decision: { kind: Object.keys(target).length ? 'scale' : 'none', target, reasons: [...shardPart.reasons, ...flinkPart.reasons] },
      nextState,
    };
  },
  onActionOutcome(state, outcome, config) {
    const params = parametersOf(DEFAULTS, config);
    let next = state;
    if (outcome.target.parallelism !== undefined) {
      // Metrics before the restart settled describe the old job: start a fresh window after stabilization.
      next = { ...next, window: [], pendingScaleDown: null, collectFrom: Math.max(next.collectFrom, outcome.at + params.stabilizationSeconds) };
    }
    if (outcome.target.shards !== undefined) next = { ...next, shardCooldownUntil: Math.max(next.shardCooldownUntil, outcome.at + config.cooldownSeconds) };
    return next;
  },
};
