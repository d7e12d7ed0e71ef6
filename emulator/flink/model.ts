/** Internal state of the emulated Managed Flink applications (wire shapes live in wire.ts). */
import type { JobCheckpoint } from '../job/taxiJob.js';
import type { JobRunner } from '../job/runner.js';

export type ApplicationStatus =
  | 'READY' | 'STARTING' | 'RUNNING' | 'UPDATING' | 'AUTOSCALING' | 'STOPPING' | 'FORCE_STOPPING'
  | 'ROLLING_BACK' | 'DELETING';

export interface PropertyGroup {
  id: string;
  properties: Record<string, string>;
}

export interface CodeLocation {
  contentType: 'PLAINTEXT' | 'ZIPFILE';
  textContent?: string;
  s3?: { bucketArn: string; fileKey: string; objectVersion?: string };
  zipSize?: number;
}

/** Everything a version of the application fixes; UpdateApplication makes a new one. */
export interface ApplicationVersion {
  versionId: number;
  createdMs: number;
  description: string;
  runtime: string;
  serviceExecutionRole: string;
  parallelism: {
    configurationType: 'CUSTOM' | 'DEFAULT';
    parallelism: number;
    parallelismPerKpu: number;
    autoScalingEnabled: boolean;
  };
  checkpoint: {
    configurationType: 'CUSTOM' | 'DEFAULT';
    checkpointingEnabled: boolean;
    checkpointIntervalMs: number;
    minPauseBetweenCheckpointsMs: number;
  };
  monitoring: { configurationType: 'CUSTOM' | 'DEFAULT'; metricsLevel: string; logLevel: string };
  propertyGroups: PropertyGroup[];
  code: CodeLocation | null;
  snapshotsEnabled: boolean;
}

export type OperationStatus = 'IN_PROGRESS' | 'SUCCESSFUL' | 'FAILED' | 'CANCELLED';

export interface OperationRecord {
  id: string;
  operation: string;
  startMs: number;
  endMs: number | null;
  status: OperationStatus;
  versionFrom?: number;
  versionTo?: number;
  error?: string;
}

/** A transition in progress: completes at `dueMs` (never, for a stuck update). */
export interface PendingTransition {
  dueMs: number;
  operationId: string;
  complete(nowMs: number): void;
}

export interface Faults {
  /** The next update never leaves UPDATING. */
  stuckOnNextUpdate: boolean;
  /** The next update ends RUNNING but the job keeps restarting. */
  unhealthyAfterNextUpdate: boolean;
  /** The job is currently failing and restarting. */
  unhealthy: boolean;
}

export interface Application {
  name: string;
  arn: string;
  createMs: number;
  lastUpdateMs: number;
  status: ApplicationStatus;
  current: ApplicationVersion;
  /** Earlier versions, newest last (RollbackApplication returns to the last one). */
  previous: ApplicationVersion[];
  /** Parallelism the job runs with (AWS autoscaling may differ from the configured one). */
  currentParallelism: number;
  conditionalToken: string;
  versionUpdatedFrom?: number;
  versionRolledBackFrom?: number;
  versionRolledBackTo?: number;
  pending: PendingTransition | null;
  operations: OperationRecord[];
  runner: JobRunner | null;
  /** Snapshot the next start restores from (taken by StopApplication). */
  snapshot: JobCheckpoint | null;
  faults: Faults;
  autoscaling: { highCpuSamples: number; lowCpuSamples: number };
  tags: { Key: string; Value?: string }[];
}
