/**
 * The two capacity changes. Each checks the resource before calling AWS, so an attempt
 * retried after a crash (or a timeout whose call did go through) never applies the
 * change twice: the emulator's call log, like AWS's bill, must show one call per action.
 */
import { UpdateShardCountCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { RollbackApplicationCommand, UpdateApplicationCommand, type KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { ApplicationFailure } from '@temporalio/common';
import type { ProgressDetails } from '../aws/progress.js';
import { callAws, isDailyShardCountQuota, toShardCountFailure, withoutSdkResend } from '../aws/errors.js';
import { describeApplication, describeStream } from './describe.js';
import { byHandSummary, reshardByHand, resumedProgress, type ReshardByHandProgress } from './reshard-by-hand.js';
import type { ApplyParallelismInput, ApplyResult, ApplyShardCountInput, RevertApplicationInput } from './types.js';

export interface ShardCountOptions {
  /** How often to poll the stream while resharding by hand. */
  pollIntervalMs: number;
  /** Epoch ms by which this attempt must hand over (its start-to-close timeout, less a margin); none outside Temporal. */
  deadlineEpochMs?: number;
  signal?: AbortSignal;
  /** What the previous attempt reported in its heartbeats (Temporal's heartbeat details). */
  previousHeartbeat?: unknown;
  /** Where this attempt's progress goes; Temporal's heartbeat by default. */
  heartbeat?: (details: ProgressDetails) => void;
}

/**
 * UpdateShardCount, or — when its rolling 24-hour quota is spent — SplitShard/MergeShards
 * calls to the same even shards (reshard-by-hand.ts). A retried attempt that finds a
 * reshard by hand under way (its previous attempt's heartbeat says so) continues it.
 */
export async function applyShardCount(
  kinesis: KinesisClient, input: ApplyShardCountInput, options: ShardCountOptions = { pollIntervalMs: 1000 },
): Promise<ApplyResult> {
  const { streamName, targetShards } = input;
  const resumed = resumedProgress(options.previousHeartbeat, targetShards);
  const byHand = async (progress: ReshardByHandProgress): Promise<ApplyResult> => {
    const done = await reshardByHand(kinesis, streamName, progress, {
      pollIntervalMs: options.pollIntervalMs, deadlineEpochMs: options.deadlineEpochMs ?? Infinity,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.heartbeat === undefined ? {} : { heartbeat: options.heartbeat }),
    });
    return { called: done.splits + done.merges > progress.splits + progress.merges, message: byHandSummary(streamName, done), method: 'SplitShard/MergeShards' };
  };
  const stream = await describeStream(kinesis, streamName);
  if (resumed !== null && (stream.status === 'ACTIVE' || stream.status === 'UPDATING')) return byHand(resumed);
  if (stream.status === 'ACTIVE' && stream.openShards === targetShards) {
    return { called: false, message: `stream ${streamName} already has ${targetShards} open shards` };
  }
  if (stream.status === 'UPDATING') {
    // Only our own earlier attempt can have started this reshard; waiting tells whether it reached the target.
    return { called: false, message: `stream ${streamName} is already UPDATING (resharding under way)` };
  }
  if (stream.status !== 'ACTIVE') {
    throw ApplicationFailure.nonRetryable(
      `stream ${streamName} is ${stream.status}; UpdateShardCount needs it ACTIVE`, 'ResourceNotReady',
    );
  }
  const doing = `resharding ${streamName} to ${targetShards} shards`;
  try {
    await kinesis.send(withoutSdkResend(
      new UpdateShardCountCommand({ StreamName: streamName, TargetShardCount: targetShards, ScalingType: 'UNIFORM_SCALING' }), doing, toShardCountFailure,
    ));
  } catch (err) {
    if (isDailyShardCountQuota(err)) {
      return byHand({ fromShards: stream.openShards, because: quotaWords(err), target: targetShards, splits: 0, merges: 0 });
    }
    throw toShardCountFailure(err, doing);
  }
  return { called: true, message: `UpdateShardCount ${stream.openShards} → ${targetShards} shards on ${streamName}`, method: 'UpdateShardCount' };
}

/** AWS's words for the refusal, without the "resharding … failed: LimitExceededException:" our failure put around them. */
function quotaWords(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const words = message.replace(/^.*?LimitExceededException: /, '').replace(/ \(a per-stream UpdateShardCount limit; retrying does not lift it\)$/, '');
  return words.trim();
}

export async function applyParallelism(flink: KinesisAnalyticsV2Client, input: ApplyParallelismInput): Promise<ApplyResult> {
  const { applicationName, targetParallelism, expectedVersionId } = input;
  const app = await describeApplication(flink, applicationName);
  const perKpu = input.targetParallelismPerKpu ?? app.parallelismPerKpu;
  const what = `parallelism ${targetParallelism}${input.targetParallelismPerKpu === undefined ? '' : ` with ParallelismPerKPU ${perKpu}`}`;
  const configured = app.parallelism === targetParallelism && app.parallelismPerKpu === perKpu;
  if (configured && app.versionId > expectedVersionId) {
    return { called: false, message: `${what} already applied (version ${app.versionId})` };
  }
  if (configured && app.currentParallelism === targetParallelism && !app.autoScalingEnabled) {
    return { called: false, message: `application ${applicationName} already runs with ${what}` };
  }
  if (app.status !== 'RUNNING' && app.status !== 'READY') {
    throw ApplicationFailure.nonRetryable(
      `application ${applicationName} is ${app.status}; UpdateApplication needs it RUNNING or READY`, 'ResourceNotReady',
    );
  }
  const doing = `setting ${applicationName} ${what}`;
  await callAws(doing, () => flink.send(withoutSdkResend(new UpdateApplicationCommand({
    ApplicationName: applicationName,
    CurrentApplicationVersionId: app.versionId,
    ApplicationConfigurationUpdate: {
      FlinkApplicationConfigurationUpdate: {
        ParallelismConfigurationUpdate: {
          ConfigurationTypeUpdate: 'CUSTOM',
          ParallelismUpdate: targetParallelism,
          ParallelismPerKPUUpdate: perKpu,
          AutoScalingEnabledUpdate: false,
        },
      },
    },
  }), doing)));
  return {
    called: true,
    message: input.targetParallelismPerKpu === undefined
      ? `UpdateApplication parallelism ${app.parallelism} → ${targetParallelism} on ${applicationName} (version ${app.versionId})`
      : `UpdateApplication parallelism ${app.parallelism} → ${targetParallelism}, ParallelismPerKPU ${app.parallelismPerKpu} → ${perKpu} on ${applicationName} (version ${app.versionId})`,
  };
}

/**
 * AWS's remedy for an application stuck in a transition (an update that never
 * finishes): RollbackApplication to the previous version. Skipped when a rollback is
 * already under way or the version has moved on since the caller looked.
 */
export async function revertApplication(flink: KinesisAnalyticsV2Client, input: RevertApplicationInput): Promise<ApplyResult> {
  const { applicationName, expectedVersionId } = input;
  const app = await describeApplication(flink, applicationName);
  if (app.status === 'ROLLING_BACK') return { called: false, message: `application ${applicationName} is already ROLLING_BACK` };
  if (app.versionId > expectedVersionId) {
    return { called: false, message: `application ${applicationName} already moved on to version ${app.versionId}` };
  }
  if (app.status !== 'UPDATING' && app.status !== 'AUTOSCALING' && app.status !== 'RUNNING') {
    throw ApplicationFailure.nonRetryable(
      `application ${applicationName} is ${app.status}; RollbackApplication needs it RUNNING, UPDATING or AUTOSCALING`, 'ResourceNotReady',
    );
  }
  const doing = `rolling back ${applicationName}`;
  await callAws(doing, () => flink.send(withoutSdkResend(new RollbackApplicationCommand({
    ApplicationName: applicationName, CurrentApplicationVersionId: app.versionId,
  }), doing)));
  return { called: true, message: `RollbackApplication of ${applicationName} (${app.status}, version ${app.versionId}) to its previous version` };
}
