/**
 * Every message the pipeline workflow understands, defined once and imported by the
 * workflow, the API and the tests. Names say their kind.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AutoscalingSettings, PipelineEvent, PipelineStatus, ReplayProgress, ScalingRecord,
} from '../model/status.js';
import type { PolicyName, ReplaySpec, ScalingLimits } from '../model/spec.js';
import type { MetricsSample, ScalingTarget } from '../scaling/types.js';

export const PIPELINE_WORKFLOW_TYPE = 'pipelineWorkflow';
export const pipelineWorkflowId = (pipelineId: string): string => `pipeline-${pipelineId}`;

// --- signals -------------------------------------------------------------------
export interface TeardownRequest {
  reason?: string;
}
export const teardownSignal = defineSignal<[TeardownRequest]>('teardown');

// --- queries -------------------------------------------------------------------
export const statusQuery = defineQuery<PipelineStatus>('status');
export const eventsQuery = defineQuery<PipelineEvent[]>('events');
export const metricsQuery = defineQuery<MetricsSample[]>('metrics');
export const scalingHistoryQuery = defineQuery<ScalingRecord[]>('scalingHistory');
export const replayProgressQuery = defineQuery<ReplayProgress | null>('replayProgress');

// --- updates -------------------------------------------------------------------
export interface ScaleOverrideRequest extends ScalingTarget {
  reason?: string;
}
export interface ScaleOverrideResult {
  accepted: true;
  target: ScalingTarget;
  /** Capacity before the override; the override is verified and rolled back like any action. */
  before: { shards: number; parallelism: number };
  message: string;
}
export const scaleOverrideUpdate = defineUpdate<ScaleOverrideResult, [ScaleOverrideRequest]>('scaleOverride');

export interface AutoscalingChange {
  paused?: boolean;
  policy?: PolicyName;
  intervalSeconds?: number;
  cooldownSeconds?: number;
  limits?: Partial<ScalingLimits>;
  parameters?: Record<string, number>;
}
export const autoscalingUpdate = defineUpdate<AutoscalingSettings, [AutoscalingChange]>('autoscaling');

export type ReplayStartRequest = Partial<ReplaySpec>;
export const startReplayUpdate = defineUpdate<ReplayProgress, [ReplayStartRequest]>('startReplay');

export interface ReplayControlRequest {
  action: 'pause' | 'resume' | 'stop' | 'speedup';
  speedup?: number | 'max';
}
export const replayControlUpdate = defineUpdate<ReplayProgress, [ReplayControlRequest]>('replayControl');
