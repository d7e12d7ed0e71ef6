/**
 * Inputs and results of the provisioning activities: plain JSON, because they cross
 * the Temporal boundary and sit in workflow history.
 */
import type { ApplicationStatus, StreamStatus } from '../../scaling/types.js';
import type { PipelineSpec } from '../../model/spec.js';

/** Tag on every resource shardpilot creates; lets a retried attempt recognise its own work. */
export const PIPELINE_TAG_KEY = 'shardpilot:pipeline';
/**
 * The run of the pipeline workflow that created the resource. Tells a retry of that run (its
 * own resource, even under `adopt`) from a later pipeline of the same id meeting a resource an
 * earlier one left behind (e.g. a stream kept by retainStreamOnDelete), which it only adopts.
 */
export const CREATOR_RUN_TAG_KEY = 'shardpilot:run';

export interface StreamState {
  streamName: string;
  streamArn: string;
  status: StreamStatus;
  openShards: number;
  retentionHours: number;
}

export interface ApplicationState {
  applicationName: string;
  applicationArn: string;
  status: ApplicationStatus;
  versionId: number;
  /** Configured parallelism. */
  parallelism: number;
  /** What the running job uses now (AWS's autoscaling may differ from the configured value). */
  currentParallelism: number;
  parallelismPerKpu: number;
  autoScalingEnabled: boolean;
}

export interface EnsureStreamInput {
  pipelineId: string;
  /** Set by the activity from its workflow run; absent when called outside one. */
  creatorRunId?: string;
  streamName: string;
  shardCount: number;
  adopt: boolean;
}

export interface EnsureResult<S> {
  /** True when this pipeline owns the resource (created now or by an earlier attempt). */
  created: boolean;
  /** Absent until the resource can be described (a stream being created has no summary yet). */
  state: S | null;
  message: string;
}

export interface EnsureStreamRetentionInput {
  streamName: string;
  retentionHours: number;
}

export interface EnsureApplicationInput {
  pipelineId: string;
  /** Set by the activity from its workflow run; absent when called outside one. */
  creatorRunId?: string;
  application: PipelineSpec['application'];
}

export interface WaitInput {
  timeoutSeconds: number;
}

export interface WaitStreamInput extends WaitInput {
  streamName: string;
}

export interface WaitApplicationInput extends WaitInput {
  applicationName: string;
}

export interface StopApplicationInput {
  applicationName: string;
  /** How long a graceful stop (with snapshot) may take before it is forced. */
  forceAfterSeconds: number;
  timeoutSeconds: number;
}

export interface StepResult {
  /** False when there was nothing left to remove. */
  acted: boolean;
  message: string;
}

export interface PipelineDashboardInput {
  pipelineId: string;
  dashboardName: string;
  streamName: string;
  applicationName: string;
}
