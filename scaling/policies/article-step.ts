/**
 * The source article's step scaling, exactly as SCALING.md states it: the reference
 * every other policy is compared with. Two independent rules, as in the article's two
 * Application Auto Scaling targets: shards on the 80 % write rule, Flink on the
 * 4,400 records/s unit.
 *
 * Period generalisation: the article's alarms use 60 s periods. Every threshold here is
 * a per-second rate scaled by the sample's `periodSeconds`, so with 60 s periods the
 * numbers are the article's own (48,000 per shard per minute), and with shorter periods
 * (the emulator's 1 s) the same rates apply. The article's 300 s scale-in window is five
 * periods, compared — as in the article — with the single-period number
 * `0.8 × 1000 × shards × period`.
 *
 * Consecutive means consecutive: a period without an IncomingRecords datapoint, or one the
 * policy never saw (paused, DEGRADED, during an action), is not a low period — it ends the
 * run (Flink's two low periods, the shards' three low windows), and a new run starts after
 * it. A tick that brings no new period decides nothing (the last periods were judged when
 * they arrived). The rules before this (missing counted as 0, runs joined across gaps) are
 * frozen in ./v1/article-step.ts for runs that began with them.
 */
import type { DecideResult, Observation, PolicyConfig, ScalingPolicy, ScalingTarget } from '../types.js';
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
} from './common.js';

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
export const SCALE_IN_WINDOW_PERIODS = 5;
export const SCALE_IN_WINDOWS = 3;
/** Consecutive low periods before Flink scales in. */
export const FLINK_SCALE_IN_PERIODS = 2;

/** Flink step tables: distance from the threshold in units → change in parallelism. */
export function flinkScaleOutStep(over: number, unit: number): number {
  if (over < unit) return 1;
  if (over < 2 * unit) return 2;
  if (over < 3 * unit) return 4;
  return 8;
}
export function flinkScaleInStep(under: number, unit: number): number {
  if (under > -unit) return 1;
  if (under > -2 * unit) return 2;
  if (under > -3 * unit) return 3;
  return 4;
}

type Window = { index: number; sum: number; seconds: number; periods: number; missing: number };
/** A complete window without a missing period; `index` absent in states written by v1 (then not provably consecutive). */
type ClosedWindow = { sum: number; periodSeconds: number; index?: number };
/** One period as Flink's rule remembers it: records/s, or null when CloudWatch had no datapoint. */
type Period = { timestamp: number; periodSeconds: number; rate: number | null };

export type ArticleStepState = {
  lastSampleTimestamp: number | null;
  /** Latest complete period's IncomingRecords (null = missing) and its length. */
  lastPeriod: { sum: number | null; periodSeconds: number } | null;
  /** The window being filled, and the latest complete windows of the current consecutive run (oldest first). */
  openWindow: Window | null;
  closedWindows: ClosedWindow[];
  /** The latest periods (oldest first) for Flink's rule; absent in states written by v1. */
  recentPeriods?: Period[];
  /**
   * v1's view of the same periods (missing as 0), still written so a worker rolled back to a
   * build with v1 can read this state; never read here.
   */
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

/**
 * Why `state` is not one this policy wrote (v1's shape included), or null. A state it cannot read
 * (written by another build) fails loudly: read as if fresh, it would decide on nothing, silently.
 */
function stateProblem(state: ArticleStepState): string | null {
  const isList = (v: unknown) => Array.isArray(v);
  const isNumberOrNull = (v: unknown) => v === null || typeof v === 'number';
  if (!isNumberOrNull(state.lastSampleTimestamp)) return 'lastSampleTimestamp must be a number or null';
  if (!isList(state.closedWindows)) return 'closedWindows must be a list';
  if (!isList(state.recentRates)) return 'recentRates must be a list';
  if (state.recentPeriods !== undefined && !isList(state.recentPeriods)) return 'recentPeriods must be a list';
  if (typeof state.shardCooldownUntil !== 'number' || typeof state.flinkCooldownUntil !== 'number') return 'the cooldowns must be numbers';
  return null;
}

/** Each period follows the one before it, with the same length, and has a value. */
function consecutive(periods: Period[]): boolean {
  return periods.every((p, i) => {
    if (p.rate === null) return false;
    const before = periods[i - 1];
    return before === undefined || (before.periodSeconds === p.periodSeconds && before.timestamp + before.periodSeconds === p.timestamp);
  });
}

function ingest(state: ArticleStepState, samples: Observation['samples']): ArticleStepState {
  let { lastPeriod, openWindow, lastSampleTimestamp } = state;
  let closedWindows = state.closedWindows.filter((w) => w.index !== undefined);
  const recentPeriods = [...(state.recentPeriods ?? [])];
  const recentRates = [...state.recentRates];
  const close = (w: Window) => {
    // A window with a gap or a missing datapoint is no evidence that the stream was low: it ends the run.
    if (w.periods !== SCALE_IN_WINDOW_PERIODS || w.missing > 0) {
      closedWindows = [];
      return;
    }
    const periodSeconds = w.seconds / w.periods;
    const previous = closedWindows[closedWindows.length - 1];
    if (previous && (previous.index !== w.index - 1 || previous.periodSeconds !== periodSeconds)) closedWindows = [];
    closedWindows.push({ sum: w.sum, periodSeconds, index: w.index });
  };
  for (const sample of samples) {
    lastSampleTimestamp = sample.timestamp;
    lastPeriod = { sum: sample.incomingRecords, periodSeconds: sample.periodSeconds };
    const rate = sample.incomingRecords === null ? null : sample.incomingRecords / sample.periodSeconds;
    recentPeriods.push({ timestamp: sample.timestamp, periodSeconds: sample.periodSeconds, rate });
    recentRates.push(rate ?? 0);
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
    recentPeriods: recentPeriods.slice(-FLINK_SCALE_IN_PERIODS),
    recentRates: recentRates.slice(-FLINK_SCALE_IN_PERIODS),
  };
}

function decideShards(
  state: ArticleStepState,
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
  state: ArticleStepState,
  observation: Observation,
  config: PolicyConfig,
  unit: number,
): { parallelism?: number; reasons: string[] } {
  const p = observation.capacity.parallelism;
  const periods = state.recentPeriods ?? [];
  const latest = periods[periods.length - 1];
  if (latest === undefined) return { reasons: ['no period observed yet for Flink'] };
  if (latest.rate === null) return { reasons: ['Flink: no IncomingRecords datapoint for the latest period (no evidence either way)'] };
  const rate = latest.rate;
  const outThreshold = p * unit;
  const inThreshold = (p - 1) * unit;

  let want: number;
  let why: string;
  if (rate >= outThreshold) {
    const step = flinkScaleOutStep(rate - outThreshold, unit);
    want = Math.min(p + step, maxParallelismFor(config.limits, observation.capacity.parallelismPerKpu));
    why = `input ${fmt(rate)} rec/s ≥ ${fmt(outThreshold)} = ${p} × ${fmt(unit)} (over by ${fmt(rate - outThreshold)}) → +${step}`;
  } else if (rate <= inThreshold) {
    const run = periods.slice(-FLINK_SCALE_IN_PERIODS);
    if (run.length < FLINK_SCALE_IN_PERIODS || !consecutive(run) || !run.every((r) => r.rate! <= inThreshold)) {
      return {
        reasons: [`Flink: input ${fmt(rate)} rec/s ≤ ${fmt(inThreshold)} = ${p - 1} × ${fmt(unit)}, but not yet for `
          + `${FLINK_SCALE_IN_PERIODS} consecutive periods (a missing or unseen period restarts the count)`],
      };
    }
    const step = flinkScaleInStep(rate - inThreshold, unit);
    want = Math.max(p - step, config.limits.minParallelism);
    why = `input ${run.map((r) => fmt(r.rate!)).join(', ')} rec/s ≤ ${fmt(inThreshold)} = ${p - 1} × ${fmt(unit)} `
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

export const articleStepPolicy: ScalingPolicy<ArticleStepState> = {
  name: 'article-step',
  description: 'The source article: +1/−1 shard on the 80 % write rule, Flink +1/+2/+4/+8 and −1…−4 on 4,400 records/s per parallelism, 600 s cooldown.',
  defaultParameters: { ...DEFAULTS },
  validateParameters: (parameters) => validateAgainst(RULES, parameters),
  initialState: () => ({
    lastSampleTimestamp: null,
    lastPeriod: null,
    openWindow: null,
    closedWindows: [],
    recentPeriods: [],
    recentRates: [],
    shardCooldownUntil: 0,
    flinkCooldownUntil: 0,
  }),
  decide(state, observation, config): DecideResult<ArticleStepState> {
    const problem = stateProblem(state);
    if (problem !== null) throw new Error(`article-step cannot read its state (${problem}); it was not written by this policy in this build`);
    const params = parametersOf(DEFAULTS, config);
    const samples = newSamples(observation.samples, state.lastSampleTimestamp);
    // Each period is judged once, when it arrives: re-deciding on old periods later (after a pause, say) would act on stale evidence.
    if (samples.length === 0 && state.lastSampleTimestamp !== null) {
      return { decision: { kind: 'none', target: {}, reasons: ['no new period since the last decision'] }, nextState: state };
    }
    const next = ingest(state, samples);
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
