/**
 * Inputs and results of the scaling activities: plain JSON, because they cross the
 * Temporal boundary and land in workflow history. The workflow imports these as types.
 */
import type { ApplicationStatus, MetricsSample, StreamStatus } from '../../scaling/types.js';

export interface ScalingResources {
  streamName: string;
  applicationName: string;
}

/** What the Describe* calls say about the resources right now. */
export interface CapacitySnapshot {
  streamStatus: StreamStatus;
  openShards: number;
  applicationStatus: ApplicationStatus;
  /** Configured parallelism (what the last UpdateApplication asked for). */
  parallelism: number;
  /** Parallelism the running job actually has. */
  currentParallelism: number;
  parallelismPerKpu: number;
  autoScalingEnabled: boolean;
  applicationVersionId: number;
}

export interface ReadMetricsInput extends ScalingResources {
  periodSeconds: number;
  /** Start (epoch seconds) of the newest period already seen; only later periods are returned. */
  afterTimestamp: number | null;
  /** At most this many periods are returned (the oldest are dropped). */
  maxPeriods: number;
  /**
   * false: skip the Describe* calls (the workflow reuses a recent snapshot), so hundreds of
   * pipelines stay under the Describe APIs' account rates. Absent (runs recorded before): described.
   */
  describeCapacity?: boolean;
}

export interface ReadMetricsResult {
  /** Complete periods, oldest first; a period without datapoints has `null` values. */
  samples: MetricsSample[];
  /** Absent when the input said `describeCapacity: false`. */
  capacity?: CapacitySnapshot;
}

export interface ApplyShardCountInput {
  streamName: string;
  targetShards: number;
}

export interface ApplyParallelismInput {
  applicationName: string;
  targetParallelism: number;
  /** ParallelismPerKPU to set in the same update; absent keeps the current one. */
  targetParallelismPerKpu?: number;
  /** The version id read when the action started; a later version with the target parallelism means it was already applied. */
  expectedVersionId: number;
}

export interface RevertApplicationInput {
  applicationName: string;
  /** The version the caller saw stuck; a later one means the rollback already happened. */
  expectedVersionId: number;
}

export interface ApplyResult {
  /** True when this attempt called the AWS API; false when the change was already in place or under way. */
  called: boolean;
  message: string;
  /** How a shard count was reached: UpdateShardCount, or SplitShard/MergeShards when its 24-hour quota was spent. Absent for other changes. */
  method?: 'UpdateShardCount' | 'SplitShard/MergeShards';
}

export interface SettleInput extends ScalingResources {
  /** Epoch ms after which waiting stops; absolute, so a retried attempt keeps the original bound. */
  deadlineEpochMs: number;
}

export interface SettleResult {
  settled: boolean;
  capacity: CapacitySnapshot;
  message: string;
}

export interface VerifyInput extends ScalingResources {
  shards: number;
  parallelism: number;
  periodSeconds: number;
  /** Epoch ms when the action started; metrics before it do not count. */
  actionStartedEpochMs: number;
  deadlineEpochMs: number;
}

export interface VerifyResult {
  healthy: boolean;
  /** Why it is (or is not) healthy, in words and numbers. */
  reasons: string[];
  capacity: CapacitySnapshot;
}
