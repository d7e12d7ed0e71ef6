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

interface HealthTrack {
  /** Epoch seconds when the capacity checks first passed; metrics before it still show the restart. */
  capacityOkSince: number | null;
  firstFullRestarts: number | null;
}

function metricProblems(samples: MetricsSample[], track: HealthTrack): { problems: string[]; facts: string[] } {
  const problems: string[] = [];
  const facts: string[] = [];
  const downtime = newestValue(samples, 'downtime');
  if (downtime === null) problems.push('no downtime datapoint since the restart yet');
  else if (downtime > 0) problems.push(`downtime is ${downtime} ms, not back to 0`);
  else facts.push('downtime 0 ms');

  const restarts = newestValue(samples, 'fullRestarts');
  if (restarts !== null) {
    if (track.firstFullRestarts === null) {
      track.firstFullRestarts = restarts;
      problems.push(`fullRestarts ${restarts}: waiting for a second reading to see it is not climbing`);
    } else if (restarts > track.firstFullRestarts) {
      problems.push(`fullRestarts climbing: ${track.firstFullRestarts} → ${restarts}`);
    } else {
      facts.push(`fullRestarts steady at ${restarts}`);
    }
  }

  const incoming = newestValue(samples, 'incomingRecords');
  const processed = newestValue(samples, 'numRecordsInPerSecond');
  if (incoming !== null && incoming > 0 && (processed === null || processed <= 0)) {
    problems.push(`records arrive (IncomingRecords ${incoming}) but the job processes none yet`);
  } else if (processed !== null && processed > 0) {
    facts.push(`records flowing (${processed.toFixed(0)} records/s in)`);
  } else {
    facts.push('no input records to process');
  }
  return { problems, facts };
}

export async function verifyHealth(deps: SettleDeps, input: VerifyInput): Promise<VerifyResult> {
  const track: HealthTrack = { capacityOkSince: null, firstFullRestarts: null };
  const p = input.periodSeconds;
  for (;;) {
    const capacity = await describeCapacity(deps, input);
    let problems = capacityProblems(capacity, input);
    let facts: string[] = [];
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (problems.length > 0) {
      track.capacityOkSince = null;
      track.firstFullRestarts = null;
    } else {
      track.capacityOkSince ??= nowSeconds;
      const start = Math.ceil(Math.max(track.capacityOkSince, input.actionStartedEpochMs / 1000) / p) * p;
      const end = Math.floor(nowSeconds / p) * p;
      const samples = await readSamples(deps.cloudwatch, input, { start, end, periodSeconds: p });
      ({ problems, facts } = metricProblems(samples, track));
      if (samples.length === 0) problems.push('no complete metrics period since the restart yet');
    }
    reportProgress({ step: 'verifying health after scaling', message: problems.join('; ') || 'healthy' });
    if (problems.length === 0) {
      return {
        healthy: true,
        reasons: [`stream ACTIVE with ${input.shards} open shards`, `application RUNNING with parallelism ${input.parallelism}`, ...facts],
        capacity,
      };
    }
    if (Date.now() >= input.deadlineEpochMs) {
      return { healthy: false, reasons: problems, capacity };
    }
    await pause(deps.pollIntervalMs);
  }
}
