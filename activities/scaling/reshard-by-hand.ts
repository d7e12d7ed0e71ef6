/**
 * Reaching a shard count with SplitShard and MergeShards when UpdateShardCount's quota
 * ("Scale more than ten times per rolling 24-hour period per stream") is spent: neither
 * call has a daily quota, only AWS's rules — the stream ACTIVE (it is UPDATING after each
 * call, so one call at a time), the shards open, a split key inside its shard, merged
 * shards adjacent — and a rate of 5 calls/s per account (one call per reshard stays far
 * below it; the SDK retries a throttled call). The plan is recomputed from ListShards
 * before every call (reshard-plan.ts), so a retried attempt continues and never overshoots.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MergeShardsCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { ApplicationFailure } from '@temporalio/common';
import { awsErrorName, callAws, toFailure } from '../aws/errors.js';
import { reportProgress, type ProgressDetails } from '../aws/progress.js';
import { listOpenShards } from '../aws/shards.js';
import { describeStream } from './describe.js';
import { nextReshardStep, reshardSteps, type OpenShardRange, type ReshardStep } from './reshard-plan.js';

export interface ReshardByHandProgress {
  /** Open shards when the reshard began, and why UpdateShardCount could not do it (AWS's words). */
  fromShards: number;
  because: string;
  target: number;
  splits: number;
  merges: number;
  /**
   * Continued from an earlier attempt's heartbeat. Temporal throttles heartbeats (the last
   * may not have reached the server), so its counts are a lower bound and say so.
   */
  resumed?: boolean;
}

export interface ReshardByHandOptions {
  pollIntervalMs: number;
  /** No call starts after this (epoch ms): the rest is left to the activity's next attempt, before Temporal times this one out. */
  deadlineEpochMs: number;
  signal?: AbortSignal;
  /** Where progress goes: Temporal's heartbeat (the default), read back by a retried attempt as its heartbeat details. */
  heartbeat?: (details: ProgressDetails) => void;
}

/** The failure type of an attempt that ran out of time with calls still to make; retryable, the next attempt continues. */
export const RESHARD_CONTINUES = 'ReshardByHandContinues';

/** Answers that mean the plan was computed from a state that has since moved on: look again. */
const STALE = new Set(['ResourceInUseException', 'InvalidArgumentException', 'ResourceNotFoundException']);
const MAX_STALE_IN_A_ROW = 3;

async function openShards(kinesis: KinesisClient, streamName: string): Promise<OpenShardRange[]> {
  const shards = await callAws(`listing the open shards of ${streamName}`, () => listOpenShards(kinesis, streamName));
  return shards.map((s) => ({
    shardId: s.ShardId ?? '',
    start: BigInt(s.HashKeyRange?.StartingHashKey ?? '0'),
    end: BigInt(s.HashKeyRange?.EndingHashKey ?? '0'),
  }));
}

function calls(p: ReshardByHandProgress): string {
  const atLeast = p.resumed === true ? 'at least ' : '';
  return `${atLeast}${p.splits} SplitShard and ${atLeast}${p.merges} MergeShards call${p.splits + p.merges === 1 ? '' : 's'}`;
}

function continuesLater(streamName: string, p: ReshardByHandProgress, why: string): ApplicationFailure {
  return ApplicationFailure.retryable(
    `resharding ${streamName} to ${p.target} shards by hand continues in the next attempt (${calls(p)} so far; ${why})`, RESHARD_CONTINUES,
  );
}

async function waitActive(kinesis: KinesisClient, streamName: string, p: ReshardByHandProgress, options: ReshardByHandOptions): Promise<void> {
  for (;;) {
    const stream = await describeStream(kinesis, streamName);
    if (stream.status === 'ACTIVE') return;
    if (stream.status !== 'UPDATING') {
      throw ApplicationFailure.nonRetryable(`stream ${streamName} is ${stream.status}; SplitShard and MergeShards need it ACTIVE`, 'ResourceNotReady');
    }
    (options.heartbeat ?? reportProgress)({ step: 'resharding by hand', message: `${streamName} UPDATING with ${stream.openShards} open shards (target ${p.target})`, reshardByHand: { ...p } });
    if (Date.now() >= options.deadlineEpochMs) throw continuesLater(streamName, p, 'the stream is still UPDATING');
    await sleep(options.pollIntervalMs, undefined, { signal: options.signal });
  }
}

function describeStep(step: ReshardStep): string {
  return step.kind === 'split'
    ? `SplitShard ${step.shardId} at hash key ${step.newStartingHashKey}`
    : `MergeShards ${step.shardId} + ${step.adjacentShardId}`;
}

async function send(kinesis: KinesisClient, streamName: string, step: ReshardStep): Promise<void> {
  if (step.kind === 'split') {
    await kinesis.send(new SplitShardCommand({ StreamName: streamName, ShardToSplit: step.shardId, NewStartingHashKey: step.newStartingHashKey.toString() }));
  } else {
    await kinesis.send(new MergeShardsCommand({ StreamName: streamName, ShardToMerge: step.shardId, AdjacentShardToMerge: step.adjacentShardId }));
  }
}

/**
 * Makes the calls still needed to reach `from.target` even shards, starting from the counts a
 * previous attempt reported; resolves with the totals once the stream is ACTIVE at the target.
 * A resend of a call that did go through names a shard no longer open, which AWS refuses:
 * the SDK's own retries are harmless here, unlike UpdateShardCount's.
 */
export async function reshardByHand(
  kinesis: KinesisClient, streamName: string, from: ReshardByHandProgress, options: ReshardByHandOptions,
): Promise<ReshardByHandProgress> {
  const progress = { ...from };
  const heartbeat = options.heartbeat ?? reportProgress;
  let staleInARow = 0;
  for (;;) {
    await waitActive(kinesis, streamName, progress, options);
    const open = await openShards(kinesis, streamName);
    const step = nextReshardStep(open, progress.target);
    if (step === null) return progress;
    if (Date.now() >= options.deadlineEpochMs) throw continuesLater(streamName, progress, 'this attempt is out of time');
    const doing = describeStep(step);
    heartbeat({
      step: 'resharding by hand',
      message: `${doing} (${open.length} open shards, ${reshardSteps(open, progress.target)} calls to ${progress.target})`,
      reshardByHand: { ...progress },
    });
    try {
      await send(kinesis, streamName, step);
    } catch (err) {
      staleInARow += 1;
      if (STALE.has(awsErrorName(err)) && staleInARow <= MAX_STALE_IN_A_ROW) continue;
      throw toFailure(err, `${doing} on ${streamName}`);
    }
    staleInARow = 0;
    if (step.kind === 'split') progress.splits += 1;
    else progress.merges += 1;
    heartbeat({ step: 'resharding by hand', message: `${doing} accepted`, reshardByHand: { ...progress } });
  }
}

export function byHandSummary(streamName: string, p: ReshardByHandProgress): string {
  return `resharded ${streamName} ${p.fromShards} → ${p.target} shards by ${calls(p)} (UpdateShardCount quota spent: ${p.because})`;
}

/** The progress a previous attempt heartbeated toward this target, if any. */
export function resumedProgress(details: unknown, target: number): ReshardByHandProgress | null {
  const p = (typeof details === 'object' && details !== null ? (details as { reshardByHand?: unknown }).reshardByHand : undefined) as
    Partial<ReshardByHandProgress> | undefined;
  if (p === undefined || p.target !== target) return null;
  const { fromShards, because, splits, merges } = p;
  if (typeof fromShards !== 'number' || typeof because !== 'string' || typeof splits !== 'number' || typeof merges !== 'number') return null;
  return { fromShards, because, target, splits, merges, resumed: true };
}
