/**
 * Kinesis side of provisioning and teardown. Every function converges: run it again
 * after a crash and it finds the work already done instead of doing it twice.
 */
import {
  CreateStreamCommand, DecreaseStreamRetentionPeriodCommand, DeleteStreamCommand, DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand, ListTagsForStreamCommand, type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { ApplicationFailure } from '@temporalio/common';
import type { StreamStatus } from '../../scaling/types.js';
import { AWS_FAILURE_TYPES, callAws, isAwsError, isNotFound, ownershipConflict, toFailure } from '../aws/errors.js';
import { streamActive, streamGone } from './acceptors.js';
import {
  CREATOR_RUN_TAG_KEY, PIPELINE_TAG_KEY, type EnsureResult, type EnsureStreamInput, type EnsureStreamRetentionInput, type StreamState,
  type StepResult, type WaitStreamInput,
} from './types.js';
import { persisting, waitFor, type PollTiming } from './wait.js';

const STREAM_STATUSES: readonly StreamStatus[] = ['CREATING', 'ACTIVE', 'UPDATING', 'DELETING'];

export async function describeStream(kinesis: KinesisClient, streamName: string): Promise<StreamState | null> {
  try {
    const out = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const d = out.StreamDescriptionSummary;
    const status = d?.StreamStatus as StreamStatus | undefined;
    return {
      streamName,
      streamArn: d?.StreamARN ?? '',
      status: status !== undefined && STREAM_STATUSES.includes(status) ? status : 'UNKNOWN',
      openShards: d?.OpenShardCount ?? 0,
      retentionHours: d?.RetentionPeriodHours ?? 24,
    };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw toFailure(err, `describing stream ${streamName}`);
  }
}

/** Created by this pipeline — and by this very run when both the tag and the run are known. */
async function streamOwnedBy(kinesis: KinesisClient, streamName: string, pipelineId: string, runId: string | undefined): Promise<boolean> {
  let out;
  try {
    out = await kinesis.send(new ListTagsForStreamCommand({ StreamName: streamName }));
  } catch (err) {
    // Least privilege grants tag reads only on the pipelines' own stream names (docs/iam-policy.json),
    // where CreateStream is granted too: a stream whose tags this role may not read, it cannot have created.
    if (isAwsError(err, 'AccessDeniedException')) return false;
    throw toFailure(err, `listing tags of stream ${streamName}`);
  }
  const tag = (key: string) => (out.Tags ?? []).find((t) => t.Key === key)?.Value;
  const creatorRun = tag(CREATOR_RUN_TAG_KEY);
  return tag(PIPELINE_TAG_KEY) === pipelineId && (creatorRun === undefined || runId === undefined || creatorRun === runId);
}

export async function ensureStream(kinesis: KinesisClient, input: EnsureStreamInput): Promise<EnsureResult<StreamState>> {
  const name = input.streamName;
  try {
    await kinesis.send(
      new CreateStreamCommand({
        StreamName: name,
        ShardCount: input.shardCount,
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
        Tags: { [PIPELINE_TAG_KEY]: input.pipelineId, ...(input.creatorRunId ? { [CREATOR_RUN_TAG_KEY]: input.creatorRunId } : {}) },
      }),
    );
    return {
      created: true,
      state: null,
      message: `Created stream ${name} with ${input.shardCount} shards`,
    };
  } catch (err) {
    if (!isAwsError(err, 'ResourceInUseException')) throw toFailure(err, `creating stream ${name}`);
  }
  const state = await describeStream(kinesis, name);
  // Ownership before adoption: a stream an earlier attempt created (then crashed) stays ours to delete.
  if (await streamOwnedBy(kinesis, name, input.pipelineId, input.creatorRunId)) {
    return { created: true, state, message: `Stream ${name} was already created by an earlier attempt of this pipeline` };
  }
  if (input.adopt) {
    return { created: false, state, message: `Adopted existing stream ${name}` };
  }
  throw ownershipConflict(
    `A stream named ${name} already exists and does not belong to pipeline ${input.pipelineId}; ` +
      'choose another stream name or set stream.adopt to use it',
  );
}

export async function waitStreamActive(kinesis: KinesisClient, timing: PollTiming, input: WaitStreamInput): Promise<StreamState> {
  return waitFor(`Waiting for stream ${input.streamName} to become ACTIVE`, input.timeoutSeconds, timing, async () =>
    streamActive(input.streamName, await describeStream(kinesis, input.streamName)),
  );
}

/** New streams keep AWS's 24 h; a longer retention can only be set once the stream is ACTIVE. */
export async function ensureStreamRetention(kinesis: KinesisClient, input: EnsureStreamRetentionInput): Promise<StepResult> {
  const state = await describeStream(kinesis, input.streamName);
  if (state === null) {
    throw ApplicationFailure.nonRetryable(`Stream ${input.streamName} disappeared before its retention was set`, AWS_FAILURE_TYPES.notFound);
  }
  if (state.retentionHours === input.retentionHours) {
    return { acted: false, message: `Stream ${input.streamName} already keeps records ${input.retentionHours} h` };
  }
  const params = { StreamName: input.streamName, RetentionPeriodHours: input.retentionHours };
  await callAws(`changing retention of stream ${input.streamName}`, () =>
    kinesis.send(
      input.retentionHours > state.retentionHours
        ? new IncreaseStreamRetentionPeriodCommand(params)
        : new DecreaseStreamRetentionPeriodCommand(params),
    ),
  );
  return { acted: true, message: `Stream ${input.streamName} now keeps records ${input.retentionHours} h` };
}

export async function deleteStream(kinesis: KinesisClient, timing: PollTiming, input: WaitStreamInput): Promise<StepResult> {
  const name = input.streamName;
  const acted = await persisting(`Deleting stream ${name}`, timing, async () => {
    try {
      await kinesis.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      if (!(isAwsError(err, 'ResourceInUseException') && (await describeStream(kinesis, name))?.status === 'DELETING')) {
        throw toFailure(err, `deleting stream ${name}`);
      }
      return true;
    }
  });
  await waitFor(`Waiting for stream ${name} to be deleted`, input.timeoutSeconds, timing, async () =>
    streamGone(name, await describeStream(kinesis, name)),
  );
  return { acted, message: acted ? `Deleted stream ${name}` : `Stream ${name} was already gone` };
}
