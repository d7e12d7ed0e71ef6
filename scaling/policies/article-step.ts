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
 *
 * Bytes and user records (KPL-aggregated input; README, Scaling). A shard takes 1,000 records/s
 * *and* 1 MB/s; with aggregation `IncomingRecords` counts Kinesis records (~140 user records
 * each), so the bytes bind long before the records. The 80 % write rule therefore applies to
 * `IncomingBytes` against 1 MB/s per shard as well (either one over → +1; scale-in only when both
 * are low). Flink is sized on user records: the Kinesis input rate times the user records the job
 * finds in each Kinesis record it reads (`numRecordsInPerSecond` over `GetRecords.Records`; both
 * count the same reads, so a catch-up after a restart does not inflate it). A factor under 2 is
 * plain input and counts as 1, so decisions on plain input are unchanged. Runs that began before
 * this decide without it (patch `scaling-article-step-bytes`: {@link articleStepGapsPolicy}).
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

/** `bytes` (IncomingBytes Sum) is absent in states written before the bytes rule. */
type Window = { index: number; sum: number; bytes?: number; seconds: number; periods: number; missing: number };
/** A complete window without a missing period; `index` absent in states written by v1 (then not provably consecutive). */
type ClosedWindow = { sum: number; bytes?: number; periodSeconds: number; index?: number };
/** One period as Flink's rule remembers it: records/s, or null when CloudWatch had no datapoint. */
type Period = { timestamp: number; periodSeconds: number; rate: number | null };

export type ArticleStepState = {
  lastSampleTimestamp: number | null;
  /** Latest complete period's IncomingRecords (null = missing) and its length. */
  lastPeriod: { sum: number | null; bytes?: number | null; periodSeconds: number } | null;
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
  /** User records per Kinesis record in the latest period (1 = plain input); absent before the bytes rule. */
  aggregation?: number;
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

function shardBytesThreshold(shards: number, periodSeconds: number, utilization: number): number {
  return utilization * SHARD_BYTES_PER_SECOND * shards * periodSeconds;
}

/** Below this many user records per Kinesis record the input is plain (the ratio of two minute sums wobbles around 1). */
export const AGGREGATION_MIN_FACTOR = 2;

/**
 * User records per Kinesis record the job read in this period: its processed user records
 * (`numRecordsInPerSecond` × period) over the Kinesis records it fetched (`GetRecords.Records`).
 * 1 when either is missing or the ratio is under AGGREGATION_MIN_FACTOR (plain input).
 */
export function aggregationFactor(sample: MetricsSample): number {
  const userRecords = sample.numRecordsInPerSecond === null ? null : sample.numRecordsInPerSecond * sample.periodSeconds;
  const kinesisRecords = sample.getRecordsRecords ?? null;
  if (userRecords === null || kinesisRecords === null || kinesisRecords <= 0) return 1;
  const factor = userRecords / kinesisRecords;
  return factor < AGGREGATION_MIN_FACTOR ? 1 : factor;
}

/** 2: consecutive periods only (patch scaling-article-step-gaps); 3: also bytes and user records (scaling-article-step-bytes). */
export type ArticleStepVersion = 2 | 3;

function ingest(state: ArticleStepState, samples: Observation['samples'], version: ArticleStepVersion): ArticleStepState {
  let { lastPeriod, openWindow, lastSampleTimestamp } = state;
  let closedWindows = state.closedWindows.filter((w) => w.index !== undefined);
  const recentPeriods = [...(state.recentPeriods ?? [])];
  const recentRates = [...state.recentRates];
  let { aggregation } = state;
  const close = (w: Window) => {
    // A window with a gap or a missing datapoint is no evidence that the stream was low: it ends the run.
    if (w.periods !== SCALE_IN_WINDOW_PERIODS || w.missing > 0) {
      closedWindows = [];
      return;
    }
    const periodSeconds = w.seconds / w.periods;
    const previous = closedWindows[closedWindows.length - 1];
    if (previous && (previous.index !== w.index - 1 || previous.periodSeconds !== periodSeconds)) closedWindows = [];
    closedWindows.push({ sum: w.sum, bytes: w.bytes ?? 0, periodSeconds, index: w.index });
  };
  for (const sample of samples) {
    lastSampleTimestamp = sample.timestamp;
    lastPeriod = { sum: sample.incomingRecords, bytes: sample.incomingBytes, periodSeconds: sample.periodSeconds };
    if (version === 3) aggregation = aggregationFactor(sample);
    // Flink's rate in user records (version 3; 1 per Kinesis record on plain input).
    const factor = version === 3 ? aggregation ?? 1 : 1;
    const rate = sample.incomingRecords === null ? null : (sample.incomingRecords / sample.periodSeconds) * factor;
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
      bytes: (openWindow.bytes ?? 0) + (sample.incomingBytes ?? 0),
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
    ...(aggregation === undefined ? {} : { aggregation }),
  };
}

function decideShards(
  state: ArticleStepState,
  observation: Observation,
  config: PolicyConfig,
  utilization: number,
  version: ArticleStepVersion,
): { shards?: number; reasons: string[] } {
  const shards = observation.capacity.shards;
  const last = state.lastPeriod;
  if (!last) return { reasons: ['no IncomingRecords datapoint yet'] };
  const pct = `${fmt(utilization * 100)} %`;
  const threshold = shardThreshold(shards, last.periodSeconds, utilization);
  const unit = perPeriod(last.periodSeconds);
  const capacityWords = `${pct} of ${plural(shards, 'shard')}`;
  const bytesThreshold = shardBytesThreshold(shards, last.periodSeconds, utilization);
  const bytes = version === 3 ? last.bytes ?? null : null;

  let want: number | undefined;
  let why: string;
  if (last.sum !== null && last.sum > threshold) {
    want = shards + 1;
    why = `IncomingRecords ${fmt(last.sum)}${unit} > ${fmt(threshold)} = ${capacityWords}`;
  } else if (bytes !== null && bytes > bytesThreshold) {
    want = shards + 1;
    why = `IncomingBytes ${fmt(bytes)}${unit} > ${fmt(bytesThreshold)} = ${capacityWords} (1 MB/s each)`;
  } else {
    const windows = state.closedWindows;
    const periodSeconds = windows.length > 0 ? windows[0]!.periodSeconds : last.periodSeconds;
    const windowThreshold = shardThreshold(shards, periodSeconds, utilization);
    const windowBytesThreshold = shardBytesThreshold(shards, periodSeconds, utilization);
    const low = windows.length === SCALE_IN_WINDOWS && windows.every((w) => w.sum < windowThreshold)
      && (version === 2 || windows.every((w) => (w.bytes ?? 0) < windowBytesThreshold));
    if (low) {
      want = shards - 1;
      why = `IncomingRecords over ${SCALE_IN_WINDOWS} consecutive ${SCALE_IN_WINDOW_PERIODS}-period windows `
        + `${windows.map((w) => fmt(w.sum)).join(', ')} < ${fmt(windowThreshold)} = ${capacityWords}`;
      if (version === 3) why += ` and IncomingBytes ${windows.map((w) => fmt(w.bytes ?? 0)).join(', ')} < ${fmt(windowBytesThreshold)}`;
    } else {
      const current = last.sum === null ? 'missing' : `${fmt(last.sum)}${unit}`;
      const bytesWords = version === 3 ? `, IncomingBytes ${bytes === null ? 'missing' : `${fmt(bytes)}${unit}`} ≤ ${fmt(bytesThreshold)}` : '';
      return { reasons: [`shards: IncomingRecords ${current} ≤ ${fmt(threshold)}${bytesWords} = ${capacityWords}; no scale-in signal`] };
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
  // Aggregated input: say that the rate is in user records, and how it was derived.
  const factor = state.aggregation ?? 1;
  const input = factor > 1 ? `user-record input (${fmt(factor)} per Kinesis record)` : 'input';
  const outThreshold = p * unit;
  const inThreshold = (p - 1) * unit;

  let want: number;
  let why: string;
  if (rate >= outThreshold) {
    const step = flinkScaleOutStep(rate - outThreshold, unit);
    want = Math.min(p + step, maxParallelismFor(config.limits, observation.capacity.parallelismPerKpu));
    why = `${input} ${fmt(rate)} rec/s ≥ ${fmt(outThreshold)} = ${p} × ${fmt(unit)} (over by ${fmt(rate - outThreshold)}) → +${step}`;
  } else if (rate <= inThreshold) {
    const run = periods.slice(-FLINK_SCALE_IN_PERIODS);
    if (run.length < FLINK_SCALE_IN_PERIODS || !consecutive(run) || !run.every((r) => r.rate! <= inThreshold)) {
      return {
        reasons: [`Flink: ${input} ${fmt(rate)} rec/s ≤ ${fmt(inThreshold)} = ${p - 1} × ${fmt(unit)}, but not yet for `
          + `${FLINK_SCALE_IN_PERIODS} consecutive periods (a missing or unseen period restarts the count)`],
      };
    }
    const step = flinkScaleInStep(rate - inThreshold, unit);
    want = Math.max(p - step, config.limits.minParallelism);
    why = `${input} ${run.map((r) => fmt(r.rate!)).join(', ')} rec/s ≤ ${fmt(inThreshold)} = ${p - 1} × ${fmt(unit)} `
      + `for ${FLINK_SCALE_IN_PERIODS} periods (under by ${fmt(inThreshold - rate)}) → −${step}`;
  } else {
    return { reasons: [`Flink: ${input} ${fmt(rate)} rec/s within (${fmt(inThreshold)}, ${fmt(outThreshold)}) for parallelism ${p}`] };
  }
  if (want === p) return { reasons: [`${why}, but parallelism ${p} is at its bound (limits or KPU maximum)`] };
  if (observation.now < state.flinkCooldownUntil) {
    return { reasons: [`${why}, but Flink cooldown runs until ${fmt(state.flinkCooldownUntil - observation.now)} s from now`] };
  }
  const blocker = flinkChangeBlocker(observation);
  if (blocker) return { reasons: [`${why}, but ${blocker}`] };
  return { parallelism: want, reasons: [`${why}: parallelism ${p} → ${want}`] };
}

function createArticleStep(version: ArticleStepVersion): ScalingPolicy<ArticleStepState> {
  return {
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
      const next = ingest(state, samples, version);
      const shards = decideShards(next, observation, config, params.shardScaleOutUtilization, version);
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
}

/** The policy as new runs decide with it. */
export const articleStepPolicy = createArticleStep(3);
/** Consecutive periods only, without the bytes and user-record rules: runs that began before patch `scaling-article-step-bytes`. */
export const articleStepGapsPolicy = createArticleStep(2);
