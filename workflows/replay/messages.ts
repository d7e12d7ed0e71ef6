/**
 * Messages between the pipeline workflow (`pipeline-<id>`) and its replay child
 * (`replay-<id>`). The parent forwards pause/resume/stop/speedup to the child as a
 * command signal; the child reports progress back with a signal, throttled, and once
 * more when it ends. Both use workflow ids without run ids, so they keep finding each
 * other across either side's continue-as-new.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ReplayProgress } from '../../model/status.js';
import type { ReplayControlRequest } from '../contract.js';
import type { MalformedLine, ReplayCheckpoint, ScheduleAnchor, SourceSummary, Speedup } from '../../activities/replay/index.js';

export const REPLAY_WORKFLOW_TYPE = 'replayWorkflow';
export const replayWorkflowId = (pipelineId: string): string => `replay-${pipelineId}`;

export interface ReplayTiming {
  /** Wall time one replay activity runs before the child looks at its commands again. */
  maxChunkMs: number;
  /** A chunk that stops heartbeating this long is retried on another worker, from its last heartbeat. */
  heartbeatTimeoutMs: number;
  /** Least time between two progress reports to the parent. */
  progressIntervalMs: number;
  /**
   * How often a pipeline run that inherited a replaying child (from before continue-as-new, so it
   * cannot see it close) checks that the child is still open. Absent in timings written before it existed.
   */
  closeProbeMs?: number;
}

export const DEFAULT_REPLAY_TIMING: ReplayTiming = {
  maxChunkMs: 5_000,
  heartbeatTimeoutMs: 10_000,
  progressIntervalMs: 2_000,
  closeProbeMs: 30_000,
};

/** The child's whole state: its input, and what it carries through its own continue-as-new. */
export interface ReplayRunState {
  pipelineId: string;
  /** The pipeline's IAM role (spec `roleArn`); absent: the worker's own credentials. */
  roleArn?: string;
  /** Workflow id the reports go to; normally `pipeline-<pipelineId>`. */
  parentWorkflowId: string;
  streamName: string;
  source: string;
  speedup: Speedup;
  paused: boolean;
  stopRequested: boolean;
  timing: ReplayTiming;
  summary: SourceSummary | null;
  checkpoint: ReplayCheckpoint | null;
  /** Null re-anchors the schedule at the next event (after a pause or a speedup change). */
  anchor: ScheduleAnchor | null;
  eventsPerSecond: number;
  startedAt: string | null;
  /** How many times a chunk resumed from a heartbeat after a failed attempt. */
  resumedFromHeartbeat: number;
  /** Send KPL-aggregated records (spec `replay.aggregate`); absent: one record per trip. */
  aggregate?: boolean;
}

export interface ReplayReport {
  progress: ReplayProgress;
  /** Malformed lines met since the previous report (the first few of each chunk). */
  malformed: MalformedLine[];
  /** The child has ended (completed, stopped or failed). */
  final: boolean;
}

export const replayReportSignal = defineSignal<[ReplayReport]>('replayReport');
export const replayCommandSignal = defineSignal<[ReplayControlRequest]>('replayCommand');
/** Sent only to learn whether the child is still open (signalling a closed workflow fails); the child ignores it. */
export const replayProbeSignal = defineSignal('replayProbe');
export const replayStateQuery = defineQuery<ReplayRunState>('replayState');
export const replayChildProgressQuery = defineQuery<ReplayProgress>('replayChildProgress');
