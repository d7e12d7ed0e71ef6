/**
 * article-step as released before patch `scaling-article-step-gaps`, frozen so histories
 * recorded with it replay: runs that began deciding with it keep it (the workflow selects
 * it with patched(), workflows/scaling/controller.ts). Its known faults, fixed in
 * ../article-step.ts: a missing IncomingRecords value counts as 0 records/s towards Flink's
 * "two low periods", periods are joined across gaps, a 300 s window with a missing period
 * counts towards the three low windows, and a tick without a new period re-decides on old ones.
 * Do not change this file.
 */
import type { DecideResult, Observation, PolicyConfig, ScalingPolicy, ScalingTarget } from '../../types.js';
import {
  ARTICLE_RECORDS_PER_PARALLELISM,
  SHARD_RECORDS_PER_SECOND,
  flinkChangeBlocker,
  fmt,
  maxParallelismFor,
  newSamples,
  parametersOf,
  plural,
  shardChangeBlocker,
  shardRange,
  validateAgainst,
} from '../common.js';

const DEFAULTS = {
  /** Throughput of one parallelism unit, records/s (the article's calibration). */
  recordsPerSecondPerParallelism: ARTICLE_RECORDS_PER_PARALLELISM,
  /** Share of shard write capacity above which a shard is added. */
  shardScaleOutUtilization: 0.8,
};
const RULES = {
  recordsPerSecondPerParallelism: { min: 1, max: 10_000_000 },
  shardScaleOutUtilization: { min: 0.05, max: 1 },
};

/** Periods in the article's 300 s scale-in window, and how many such windows must be low. */
const SCALE_IN_WINDOW_PERIODS = 5;
const SCALE_IN_WINDOWS = 3;
/** Consecutive low periods before Flink scales in. */
const FLINK_SCALE_IN_PERIODS = 2;

/** Flink step tables: distance from the threshold in units → change in parallelism. */
function flinkScaleOutStep(over: number, unit: number): number {
  if (over < unit) return 1;
  if (over < 2 * unit) return 2;
  if (over < 3 * unit) return 4;
  return 8;
}
function flinkScaleInStep(under: number, unit: number): number {
  if (under > -unit) return 1;
  if (under > -2 * unit) return 2;
  if (under > -3 * unit) return 3;
  return 4;
}

type Window = { index: number; sum: number; seconds: number; periods: number; missing: number };

export type ArticleStepV1State = {
  lastSampleTimestamp: number | null;
  /** Latest complete period's IncomingRecords (null = missing) and its length. */
  lastPeriod: { sum: number | null; periodSeconds: number } | null;
  /** The window being filled, and the sums of the latest complete windows (oldest first). */
  openWindow: Window | null;
  closedWindows: Array<{ sum: number; periodSeconds: number }>;
  /** Flink input rates of the latest periods, records/s, missing as 0 (oldest first). */
  recentRates: number[];
  shardCooldownUntil: number;
  flinkCooldownUntil: number;
};

function shardThreshold(shards: number, periodSeconds: number, utilization: number): number {
  return utilization * SHARD_RECORDS_PER_SECOND * shards * periodSeconds;
}

/** Per-minute wording for 60 s periods (the article's), per-period otherwise. */
function perPeriod(periodSeconds: number): string {
  return periodSeconds === 60 ? '/min' : `/${periodSeconds} s`;
}

function ingest(state: ArticleStepV1State, observation: Observation): ArticleStepV1State {
  const samples = newSamples(observation.samples, state.lastSampleTimestamp);
  let { lastPeriod, openWindow, lastSampleTimestamp } = state;
  const closedWindows = [...state.closedWindows];
  const recentRates = [...state.recentRates];
  const close = (w: Window) => {
    // A window with gaps (no sample at all) or only missing datapoints is no evidence either way.
    if (w.periods === SCALE_IN_WINDOW_PERIODS && w.missing < w.periods) {
      closedWindows.push({ sum: w.sum, periodSeconds: w.seconds / w.periods });
    }
  };
  for (const sample of samples) {
    lastSampleTimestamp = sample.timestamp;
    lastPeriod = { sum: sample.incomingRecords, periodSeconds: sample.periodSeconds };
    recentRates.push((sample.incomingRecords ?? 0) / sample.periodSeconds);
    const index = Math.floor(sample.timestamp / (SCALE_IN_WINDOW_PERIODS * sample.periodSeconds));
    if (openWindow && openWindow.index !== index) {
      close(openWindow);
      openWindow = null;
    }
    openWindow ??= { index, sum: 0, seconds: 0, periods: 0, missing: 0 };
    openWindow = {
      ...openWindow,
      sum: openWindow.sum + (sample.incomingRecords ?? 0),
      seconds: openWindow.seconds + sample.periodSeconds,
      periods: openWindow.periods + 1,
      missing: openWindow.missing + (sample.incomingRecords === null ? 1 : 0),
    };
    if (openWindow.periods === SCALE_IN_WINDOW_PERIODS) {
      close(openWindow);
      openWindow = null;
    }
  }
  return {
    ...state,
    lastSampleTimestamp,
    lastPeriod,
    openWindow,
    closedWindows: closedWindows.slice(-SCALE_IN_WINDOWS),
    recentRates: recentRates.slice(-FLINK_SCALE_IN_PERIODS),
  };
}

function decideShards(
  state: ArticleStepV1State,
  observation: Observation,
  config: PolicyConfig,
  utilization: number,
): { shards?: number; reasons: string[] } {
  const shards = observation.capacity.shards;
  const last = state.lastPeriod;
  if (!last) return { reasons: ['no IncomingRecords datapoint yet'] };
  const pct = `${fmt(utilization * 100)} %`;
  const threshold = shardThreshold(shards, last.periodSeconds, utilization);
  const unit = perPeriod(last.periodSeconds);
  const capacityWords = `${pct} of ${plural(shards, 'shard')}`;

  let want: number | undefined;
  let why: string;
  if (last.sum !== null && last.sum > threshold) {
    want = shards + 1;
    why = `IncomingRecords ${fmt(last.sum)}${unit} > ${fmt(threshold)} = ${capacityWords}`;
  } else {
    const windows = state.closedWindows;
    const windowThreshold = windows.length > 0 ? shardThreshold(shards, windows[0]!.periodSeconds, utilization) : threshold;
    const low = windows.length === SCALE_IN_WINDOWS && windows.every((w) => w.sum < windowThreshold);
    if (low) {
      want = shards - 1;
      why = `IncomingRecords over ${SCALE_IN_WINDOWS} consecutive ${SCALE_IN_WINDOW_PERIODS}-period windows `
        + `${windows.map((w) => fmt(w.sum)).join(', ')} < ${fmt(windowThreshold)} = ${capacityWords}`;
    } else {
      const current = last.sum === null ? 'missing' : `${fmt(last.sum)}${unit}`;
      return { reasons: [`shards: IncomingRecords ${current} ≤ ${fmt(threshold)} = ${capacityWords}; no scale-in signal`] };
    }
  }

  const range = shardRange(shards, config.limits);
  if (want > range.max || want < range.min) {
    return { reasons: [`${why}, but ${want} shards is outside ${range.min}…${range.max} (bounds and 2×/½ rule)`] };
  }
  if (observation.now < state.shardCooldownUntil) {
    return { reasons: [`${why}, but shard cooldown runs until ${fmt(state.shardCooldownUntil - observation.now)} s from now`] };
  }
  const blocker = shardChangeBlocker(observation);
  if (blocker) return { reasons: [`${why}, but ${blocker}`] };
  return { shards: want, reasons: [`${why} → ${want} shards`] };
}

function decideFlink(
  state: ArticleStepV1State,
  observation: Observation,
  config: PolicyConfig,
  unit: number,
): { parallelism?: number; reasons: string[] } {
  const p = observation.capacity.parallelism;
  const rates = state.recentRates;
  const rate = rates[rates.length - 1];
  if (rate === undefined) return { reasons: ['no period observed yet for Flink'] };
  const outThreshold = p * unit;
  const inThreshold = (p - 1) * unit;

  let want: number;
  let why: string;
  if (rate >= outThreshold) {
    const step = flinkScaleOutStep(rate - outThreshold, unit);
    want = Math.min(p + step, maxParallelismFor(config.limits, observation.capacity.parallelismPerKpu));
    why = `input ${fmt(rate)} rec/s ≥ ${fmt(outThreshold)} = ${p} × ${fmt(unit)} (over by ${fmt(rate - outThreshold)}) → +${step}`;
  } else if (rates.length === FLINK_SCALE_IN_PERIODS && rates.every((r) => r <= inThreshold)) {
    const step = flinkScaleInStep(rate - inThreshold, unit);
    want = Math.max(p - step, config.limits.minParallelism);
    why = `input ${rates.map((r) => fmt(r)).join(', ')} rec/s ≤ ${fmt(inThreshold)} = ${p - 1} × ${fmt(unit)} `
      + `for ${FLINK_SCALE_IN_PERIODS} periods (under by ${fmt(inThreshold - rate)}) → −${step}`;
  } else {
    return { reasons: [`Flink: input ${fmt(rate)} rec/s within (${fmt(inThreshold)}, ${fmt(outThreshold)}) for parallelism ${p}`] };
  }
  if (want === p) return { reasons: [`${why}, but parallelism ${p} is at its bound (limits or KPU maximum)`] };
  if (observation.now < state.flinkCooldownUntil) {
    return { reasons: [`${why}, but Flink cooldown runs until ${fmt(state.flinkCooldownUntil - observation.now)} s from now`] };
  }
  const blocker = flinkChangeBlocker(observation);
  if (blocker) return { reasons: [`${why}, but ${blocker}`] };
  return { parallelism: want, reasons: [`${why}: parallelism ${p} → ${want}`] };
}

export const articleStepV1Policy: ScalingPolicy<ArticleStepV1State> = {
  name: 'article-step',
  description: 'The source article: +1/−1 shard on the 80 % write rule, Flink +1/+2/+4/+8 and −1…−4 on 4,400 records/s per parallelism, 600 s cooldown.',
  defaultParameters: { ...DEFAULTS },
  validateParameters: (parameters) => validateAgainst(RULES, parameters),
  initialState: () => ({
    lastSampleTimestamp: null,
    lastPeriod: null,
    openWindow: null,
    closedWindows: [],
    recentRates: [],
    shardCooldownUntil: 0,
    flinkCooldownUntil: 0,
  }),
  decide(state, observation, config): DecideResult<ArticleStepV1State> {
    const params = parametersOf(DEFAULTS, config);
    const next = ingest(state, observation);
    const shards = decideShards(next, observation, config, params.shardScaleOutUtilization);
    const flink = decideFlink(next, observation, config, params.recordsPerSecondPerParallelism);
    const target: ScalingTarget = {};
    if (shards.shards !== undefined) target.shards = shards.shards;
    if (flink.parallelism !== undefined) target.parallelism = flink.parallelism;
    const acting = Object.keys(target).length > 0;
    const cooldownEnd = observation.now + config.cooldownSeconds;
    return {
      decision: { kind: acting ? 'scale' : 'none', target, reasons: [...shards.reasons, ...flink.reasons] },
      nextState: {
        ...next,
        shardCooldownUntil: target.shards !== undefined ? cooldownEnd : next.shardCooldownUntil,
        flinkCooldownUntil: target.parallelism !== undefined ? cooldownEnd : next.flinkCooldownUntil,
      },
    };
  },
  onActionOutcome(state, outcome, config) {
    // The cooldown counts from the end of the action (settled or rolled back), like an
    // Application Auto Scaling cooldown that starts once the activity completes.
    const until = outcome.at + config.cooldownSeconds;
    return {
      ...state,
      shardCooldownUntil: outcome.target.shards !== undefined ? Math.max(state.shardCooldownUntil, until) : state.shardCooldownUntil,
      flinkCooldownUntil: outcome.target.parallelism !== undefined ? Math.max(state.flinkCooldownUntil, until) : state.flinkCooldownUntil,
    };
  },
};
