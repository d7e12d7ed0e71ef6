/**
 * What the pipeline workflow reports through its queries; plain JSON shared by the
 * workflow, the API and the tests.
 */
import type { PipelineSpec, PolicyName, ScalingLimits } from './spec.js';
import type { MetricsSample, ScalingTarget } from '../scaling/types.js';

export const PIPELINE_PHASES = [
  'PROVISIONING', 'STARTING', 'RUNNING', 'SCALING', 'ROLLING_BACK', 'TEARING_DOWN', 'DELETED', 'DEGRADED', 'FAILED',
] as const;
export type PipelinePhase = (typeof PIPELINE_PHASES)[number];

export interface PipelineResources {
  streamName: string;
  streamArn: string | null;
  applicationName: string;
  applicationArn: string | null;
  applicationVersionId: number | null;
  /** True when this pipeline created the resource (and may delete it); false when adopted. */
  createdStream: boolean;
  createdApplication: boolean;
  /** The CloudWatch dashboard this pipeline created; absent for pipelines provisioned before dashboards existed. */
  dashboardName?: string | null;
}

export interface CapacityStatus {
  shards: number;
  parallelism: number;
  parallelismPerKpu: number;
  kpus: number;
}

export interface ErrorInfo {
  at: string;
  step: string;
  message: string;
}

export interface PipelineEvent {
  at: string;
  /** e.g. `phase`, `step`, `compensation`, `scaling`, `replay`, `override`, `error`. */
  kind: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface AutoscalingSettings {
  policy: PolicyName;
  paused: boolean;
  intervalSeconds: number;
  periodSeconds: number;
  cooldownSeconds: number;
  limits: ScalingLimits;
  parameters: Record<string, number>;
  /**
   * Status only: what the policy has learned, by parameter name, next to the configured prior in
   * `parameters` (adaptive: its true records/s per parallelism unit; null until learned).
   */
  learned?: Record<string, number | null>;
}

export type ReplayState = 'pending' | 'running' | 'paused' | 'completed' | 'stopped' | 'failed';

export interface ReplayProgress {
  state: ReplayState;
  source: string;
  speedup: number | 'max';
  eventsSent: number;
  eventsTotal: number | null;
  eventsPerSecond: number;
  /** How far the replay is behind its schedule, seconds (0 when on time). */
  lagSeconds: number;
  throttledRetries: number;
  malformedLines: number;
  percent: number | null;
  etaSeconds: number | null;
  startedAt: string | null;
  updatedAt: string | null;
  error: string | null;
}

export type ScalingRecordKind = 'decision' | 'action' | 'verification' | 'rollback' | 'override' | 'rejected' | 'settings';

export interface ScalingRecord {
  at: string;
  kind: ScalingRecordKind;
  /** `policy` or `override` (manual). */
  source: 'policy' | 'override' | 'system';
  before: { shards: number; parallelism: number } | null;
  after: { shards: number; parallelism: number } | null;
  target: ScalingTarget | null;
  outcome: 'ok' | 'failed' | 'none';
  reasons: string[];
}

export interface PipelineStatus {
  id: string;
  phase: PipelinePhase;
  spec: PipelineSpec;
  resources: PipelineResources;
  capacity: CapacityStatus | null;
  autoscaling: AutoscalingSettings;
  /** The scaling action under way, if any. */
  activeAction: { source: 'policy' | 'override'; target: ScalingTarget; startedAt: string } | null;
  replay: ReplayProgress | null;
  lastError: ErrorInfo | null;
  /** What a person must do (set when DEGRADED or FAILED). */
  attention: string | null;
  shardUpdatesLast24h: number;
  createdAt: string;
  updatedAt: string;
  continuedAsNewCount: number;
}

export type { MetricsSample };
