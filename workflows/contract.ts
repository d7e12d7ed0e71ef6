/**
 * The pipeline workflow's public contract, declared once: its type name and workflow id,
 * the input it is started with, every message it understands (names say their kind), the
 * search-attribute keys it keeps current, and the summaries a starter attaches. The API,
 * the workflows and the tests import these; the API imports nothing else from workflows/
 * (eslint.config.js enforces it).
 */
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AutoscalingSettings, PipelineEvent, PipelinePhase, PipelineResources, PipelineStatus, ReplayProgress, ScalingRecord,
} from '../model/status.js';
import type { PipelineSpec, PolicyName, ReplaySpec, ScalingLimits } from '../model/spec.js';
import type { MetricsSample, ScalingTarget } from '../scaling/types.js';
import type { CalibrationStatus, ResolvedCalibrationRequest } from '../model/calibration.js';

export const PIPELINE_WORKFLOW_TYPE = 'pipelineWorkflow';
export const pipelineWorkflowId = (pipelineId: string): string => `pipeline-${pipelineId}`;
/** The replay child's id (one at a time per pipeline); links in the dashboard point at it. */
export { replayWorkflowId } from './replay/messages.js';

// --- start ---------------------------------------------------------------------
export interface PipelineWorkflowInput {
  spec: PipelineSpec;
  /**
   * Set by continue-as-new; absent on the first run. A versioned plain-JSON document
   * (workflows/lifecycle/carried.ts reads and migrates it); opaque to starters.
   */
  carried?: unknown;
  /**
   * Also continue-as-new once history exceeds this many events (besides Temporal's own
   * suggestion). Lets short-lived environments exercise long-life behaviour.
   */
  continueAsNewAfterHistoryEvents?: number;
}

export interface PipelineWorkflowResult {
  id: string;
  phase: PipelinePhase;
  resources: PipelineResources;
  continuedAsNewCount: number;
}

/** The workflow's signature, for typed starts (`client.workflow.start<PipelineWorkflow>`). */
export type PipelineWorkflow = (input: PipelineWorkflowInput) => Promise<PipelineWorkflowResult>;

// --- search attributes (registered on the server by scripts/dev-server.ts) -------
export const pipelineIdKey = defineSearchAttributeKey('PipelineId', 'KEYWORD');
export const pipelinePhaseKey = defineSearchAttributeKey('PipelinePhase', 'KEYWORD');
export const streamNameKey = defineSearchAttributeKey('StreamName', 'KEYWORD');
export const applicationNameKey = defineSearchAttributeKey('ApplicationName', 'KEYWORD');

// --- memo ------------------------------------------------------------------------
/**
 * The memo key under which the workflow publishes its `PipelineStatus` on every change
 * (workflows/lifecycle/publish.ts): DescribeWorkflowExecution returns it without asking the
 * worker. Absent in runs started before it existed (they answer `statusQuery`).
 */
export const STATUS_MEMO_KEY = 'status';

// --- summaries for the Temporal UI, attached by the starter ----------------------
/** `staticSummary` of the workflow start options. */
export function pipelineStaticSummary(spec: PipelineSpec): string {
  return `Pipeline ${spec.id}: stream ${spec.stream.name} (${spec.stream.shardCount} shards) → Flink application ` +
    `${spec.application.name} (parallelism ${spec.application.parallelism}), scaling policy ${spec.scaling.policy}`;
}

/** `staticDetails`: what was asked for, in Temporal markdown. */
export function pipelineStaticDetails(spec: PipelineSpec): string {
  const replay = spec.replay ? `replay of \`${spec.replay.source}\` at ×${spec.replay.speedup}` : 'no replay';
  return [
    `**Stream** \`${spec.stream.name}\`: ${spec.stream.shardCount} shards${spec.stream.adopt ? ' (adopt if it exists)' : ''}`,
    `**Application** \`${spec.application.name}\`: ${spec.application.runtime}, parallelism ${spec.application.parallelism}` +
      ` (${spec.application.parallelismPerKpu} per KPU)${spec.application.adopt ? ' (adopt if it exists)' : ''}`,
    `**Scaling**: policy ${spec.scaling.policy}${spec.scaling.enabled ? '' : ' (paused)'}; **Replay**: ${replay}`,
  ].join('\n\n');
}

/** What every request arriving after teardown was requested is refused with (it would never run). */
export const TEARDOWN_REQUESTED_MESSAGE = 'teardown was requested: the pipeline is being deleted and accepts no new requests';

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
  /** UpdateApplication's ParallelismPerKPU (1–8), e.g. from a KPU calibration; changes the KPUs billed. */
  parallelismPerKpu?: number;
  reason?: string;
}
export interface ScaleOverrideResult {
  accepted: true;
  target: ScalingTarget & { parallelismPerKpu?: number };
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

// --- the calibration workflow (one per pipeline at a time; talks to the pipeline only through the messages above) ---
export const CALIBRATION_WORKFLOW_TYPE = 'calibrationWorkflow';
export const calibrationWorkflowId = (pipelineId: string): string => `calibration-${pipelineId}`;

export interface CalibrationTiming {
  /** Wait after a step's last period before reading it: CloudWatch publishes AWS/ metrics minutes late (0 on the emulator). */
  metricsDelaySeconds: number;
  /** How often waits on the pipeline poll its status. */
  pollIntervalMs: number;
}

/** Cancelling the calibration workflow cancels the calibration; it restores the pipeline before it ends. */
export interface CalibrationWorkflowInput {
  pipelineId: string;
  calibrationId: string;
  request: ResolvedCalibrationRequest;
  timing?: Partial<CalibrationTiming>;
}

export const calibrationStatusQuery = defineQuery<CalibrationStatus>('calibrationStatus');

/**
 * Starts the message of a query the worker refused because the run's workflow time was stale
 * (workflows/stale-activation.ts): the API answers it as "try again", not as a missing handler.
 */
export const STALE_ACTIVATION_REFUSED = 'stale activation refused';
