/**
 * Waiting and verifying after a capacity change. Both are bounded by an absolute
 * deadline chosen by the workflow (so a retried attempt does not restart the clock)
 * and heartbeat on every poll (so a dead worker is noticed within the heartbeat timeout).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import type { MetricsSample } from '../../scaling/types.js';
import { activityAbortSignal, reportProgress } from '../aws/progress.js';
import { describeCapacity } from './describe.js';
import { readSamples } from './metrics.js';
import type { CapacitySnapshot, SettleInput, SettleResult, VerifyInput, VerifyResult } from './types.js';

export interface SettleDeps {
  kinesis: KinesisClient;
  flink: KinesisAnalyticsV2Client;
  cloudwatch: CloudWatchClient;
  pollIntervalMs: number;
  /** CloudWatch's publication delay (config.aws.publicationDelaySeconds). */
  publicationDelaySeconds: number;
}

const TRANSITIONAL_APP_STATUSES = new Set(['STARTING', 'UPDATING', 'AUTOSCALING', 'ROLLING_BACK', 'STOPPING', 'FORCE_STOPPING', 'MAINTENANCE']);

function isSettled(c: CapacitySnapshot): boolean {
  return c.streamStatus === 'ACTIVE' && !TRANSITIONAL_APP_STATUSES.has(c.applicationStatus);
}

function describeState(c: CapacitySnapshot): string {
  return `stream ${c.streamStatus} with ${c.openShards} open shards, application ${c.applicationStatus} ` +
    `with parallelism ${c.currentParallelism} (configured ${c.parallelism})`;
}

/** Ends early (rejecting) when Temporal cancels the activity or its heartbeat times out. */
async function pause(ms: number): Promise<void> {
  await sleep(ms, undefined, { signal: activityAbortSignal() });
}

export async function waitSettled(deps: SettleDeps, input: SettleInput): Promise<SettleResult> {
  for (;;) {
    const capacity = await describeCapacity(deps, input);
    reportProgress({ step: 'waiting for the scaling change to settle', message: describeState(capacity) });
    if (isSettled(capacity)) return { settled: true, capacity, message: `settled: ${describeState(capacity)}` };
    if (Date.now() >= input.deadlineEpochMs) {
      return { settled: false, capacity, message: `not settled in time: ${describeState(capacity)}` };
    }
    await pause(deps.pollIntervalMs);
  }
}

function newestValue(samples: MetricsSample[], field: 'downtime' | 'numRecordsInPerSecond' | 'incomingRecords' | 'fullRestarts'): number | null {
  for (let i = samples.length - 1; i >= 0; i -= 1) {
    const value = samples[i]?.[field];
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

function capacityProblems(c: CapacitySnapshot, input: VerifyInput): string[] {
  const problems: string[] = [];
  if (c.streamStatus !== 'ACTIVE') problems.push(`stream is ${c.streamStatus}, not ACTIVE`);
  if (c.openShards !== input.shards) problems.push(`stream has ${c.openShards} open shards, expected ${input.shards}`);
  if (c.applicationStatus !== 'RUNNING') problems.push(`application is ${c.applicationStatus}, not RUNNING`);
  if (c.currentParallelism !== input.parallelism) {
    problems.push(`application runs with parallelism ${c.currentParallelism}, expected ${input.parallelism}`);
  }
  return problems;
}

/** Periods since the new capacity came into place over which "records arrive but none are processed" is judged. */
const PROCESSING_PERIODS = 3;

/**
 * Health after an action, judged from CloudWatch with its clocks in mind: a period's
 * datapoint is due once the period has ended and `publicationDelaySeconds` passed. A
 * datapoint not yet due (or due but absent) is unknown — never a failure; only a value
 * shows a failure. Restarts are compared from the last period before the action to the
 * newest period of verification (a counter that went down was reset by the job's
 * resubmission and counts from 0).
 */
function metricProblems(
  samples: MetricsSample[], baselineRestarts: number | null, baselinePublished: boolean, duePeriods: number,
): { problems: string[]; unknown: string[]; facts: string[]; processingUnjudged: boolean } {
  const problems: string[] = [];
  const unknown: string[] = [];
  const facts: string[] = [];
  const downtime = newestValue(samples, 'downtime');
  if (downtime === null) unknown.push('no downtime datapoint published since the restart yet');
  else if (downtime > 0) problems.push(`downtime is ${downtime} ms, not back to 0`);
  else facts.push('downtime 0 ms');

  const restarts = newestValue(samples, 'fullRestarts');
  if (restarts === null) {
    unknown.push('no restart count (fullRestarts / numRestarts) published since the action yet');
  } else if (!baselinePublished) {
    unknown.push('the restart count of the period the new capacity came into place in is not published yet');
  } else {
    const from = baselineRestarts === null || restarts < baselineRestarts ? 0 : baselineRestarts;
    if (restarts > from) problems.push(`restarts rose from ${from} before the action to ${restarts}`);
    else facts.push(`restarts steady at ${restarts} (${from} before the action)`);
  }

  // Judged over the last few periods, not the newest alone: with short periods a batch written
  // at a period's end is read in the next one, so one period can show records in and none processed.
  const recent = samples.slice(0, duePeriods).slice(-PROCESSING_PERIODS);
  const incoming = Math.max(0, ...recent.map((s) => s.incomingRecords ?? 0));
  const processed = newestValue(recent.filter((s) => (s.numRecordsInPerSecond ?? 0) > 0), 'numRecordsInPerSecond');
  if (incoming > 0 && processed === null) {
    const what = `records arrive (IncomingRecords ${incoming}) but the job processes none`;
    if (recent.length < PROCESSING_PERIODS) unknown.push(`${what} in the ${recent.length} period(s) since the new capacity is in place yet`);
    else problems.push(`${what} in the last ${PROCESSING_PERIODS} periods`);
  } else if (processed !== null) {
    facts.push(`records flowing (${processed.toFixed(0)} records/s in)`);
  } else {
    facts.push('no input records to process');
  }
  return { problems, unknown, facts, processingUnjudged: incoming > 0 && processed === null && recent.length < PROCESSING_PERIODS };
}

/** The newest restart count published for the periods just before the action (null when none). */
async function restartsBefore(deps: SettleDeps, input: VerifyInput): Promise<number | null> {
  return restartsUntil(deps, input, input.actionStartedEpochMs / 1000);
}

function maxKnown(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** The newest restart count published for the periods ending by `untilSeconds` (null when none). */
async function restartsUntil(deps: SettleDeps, input: VerifyInput, untilSeconds: number): Promise<number | null> {
  const p = input.periodSeconds;
  const end = Math.floor(untilSeconds / p) * p;
  const lookBack = (5 + Math.ceil(deps.publicationDelaySeconds / p)) * p;
  return newestValue(await readSamples(deps.cloudwatch, input, { start: end - lookBack, end, periodSeconds: p }), 'fullRestarts');
}

/**
 * Waits (bounded) until the new capacity is in place and its metrics say it is healthy. The
 * bound is the workflow's deadline, stretched when needed so that at least one full period
 * after the capacity was in place has had time to be published (2 periods + the delay):
 * verification never judges data CloudWatch cannot have yet. Past the bound, a change whose
 * capacity is in place and whose published data shows nothing wrong is healthy, with the
 * unknowns named; only a capacity not reached or a value showing trouble is unhealthy.
 */
export async function verifyHealth(deps: SettleDeps, input: VerifyInput): Promise<VerifyResult> {
  const p = input.periodSeconds;
  let baselineRestarts = await restartsBefore(deps, input);
  let capacityOkSince: number | null = null;
  // The restart count up to the period the capacity came into place in can only be read once that
  // period is published (it ends, then CloudWatch's delay passes): read earlier, the old version's
  // last restarts (a rollback from a crash loop) would be missing from it and later counted against
  // the new capacity — with 60 s periods and a minute's delay that is up to two minutes of restarts.
  let baselinePublished = false;
  for (;;) {
    const capacity = await describeCapacity(deps, input);
    const nowSeconds = Math.floor(Date.now() / 1000);
    let problems = capacityProblems(capacity, input);
    let unknown: string[] = [];
    let facts: string[] = [];
    let processingUnjudged = false;
    if (problems.length > 0) {
      capacityOkSince = null;
      baselinePublished = false;
    } else {
      capacityOkSince ??= nowSeconds;
      const inPlacePeriodPublishedAt = (Math.floor(capacityOkSince / p) + 1) * p + deps.publicationDelaySeconds;
      if (!baselinePublished && nowSeconds >= inPlacePeriodPublishedAt) {
        // Restarts until the new capacity came into place belong to the version being
        // replaced (a crash-looping one still restarts until the update stops it: the case of
        // a rollback), up to the period it came into place in; only later restarts count
        // against the new one (a crash-looping version restarts again within verification).
        baselineRestarts = maxKnown(baselineRestarts, await restartsUntil(deps, input, capacityOkSince + p));
        baselinePublished = true;
      }
      // Metrics before the capacity was in place (or before the action) still show the restart.
      const start = Math.ceil(Math.max(capacityOkSince, input.actionStartedEpochMs / 1000) / p) * p;
      const end = Math.floor(nowSeconds / p) * p;
      const samples = await readSamples(deps.cloudwatch, input, { start, end, periodSeconds: p });
      const due = samples.filter((sample) => sample.timestamp + p + deps.publicationDelaySeconds <= nowSeconds).length;
      ({ problems, unknown, facts, processingUnjudged } = metricProblems(samples, baselineRestarts, baselinePublished, due));
    }
    const publishedBy = capacityOkSince === null ? 0 : (capacityOkSince + 2 * p + deps.publicationDelaySeconds) * 1000;
    // Processing is judged only once its periods are published: slow answers can bring the bound before them.
    const processingPublishedBy = capacityOkSince === null || !processingUnjudged ? 0
      : (capacityOkSince + (PROCESSING_PERIODS + 1) * p + deps.publicationDelaySeconds) * 1000;
    const pastBound = Date.now() >= Math.max(input.deadlineEpochMs, publishedBy, processingPublishedBy);
    reportProgress({ step: 'verifying health after scaling', message: [...problems, ...unknown].join('; ') || 'healthy' });
    const healthyReasons = [`stream ACTIVE with ${input.shards} open shards`, `application RUNNING with parallelism ${input.parallelism}`, ...facts];
    if (problems.length === 0 && unknown.length === 0) return { healthy: true, reasons: healthyReasons, capacity };
    if (pastBound) {
      if (problems.length === 0 && capacityOkSince !== null) {
        return { healthy: true, reasons: [...healthyReasons, ...unknown.map((u) => `${u} (unknown, not a failure)`)], capacity };
      }
      return { healthy: false, reasons: problems, capacity };
    }
    await pause(deps.pollIntervalMs);
  }
}
