/** Internal application → AWS's wire shapes (`ApplicationDetail`, `ApplicationSummary`). */
import type { Application, OperationRecord } from './model.js';

const seconds = (ms: number) => ms / 1000;

function codeDescription(app: Application): Record<string, unknown> | undefined {
  const code = app.current.code;
  if (!code) return undefined;
  const description: Record<string, unknown> = {};
  if (code.textContent !== undefined) {
    description.TextContent = code.textContent;
    description.CodeSize = Buffer.byteLength(code.textContent);
  }
  if (code.s3) {
    description.S3ApplicationCodeLocationDescription = {
      BucketARN: code.s3.bucketArn,
      FileKey: code.s3.fileKey,
      ...(code.s3.objectVersion !== undefined ? { ObjectVersion: code.s3.objectVersion } : {}),
    };
  }
  if (code.zipSize !== undefined) description.CodeSize = code.zipSize;
  return { CodeContentType: code.contentType, CodeContentDescription: description };
}

export function applicationDetail(app: Application): Record<string, unknown> {
  const v = app.current;
  const detail: Record<string, unknown> = {
    ApplicationARN: app.arn,
    ApplicationDescription: v.description,
    ApplicationName: app.name,
    RuntimeEnvironment: v.runtime,
    ServiceExecutionRole: v.serviceExecutionRole,
    ApplicationStatus: app.status,
    ApplicationVersionId: v.versionId,
    CreateTimestamp: seconds(app.createMs),
    LastUpdateTimestamp: seconds(app.lastUpdateMs),
    ApplicationVersionCreateTimestamp: seconds(v.createdMs),
    ConditionalToken: app.conditionalToken,
    ApplicationMode: 'STREAMING',
    CloudWatchLoggingOptionDescriptions: [],
    ApplicationConfigurationDescription: {
      ApplicationCodeConfigurationDescription: codeDescription(app),
      RunConfigurationDescription: {
        ApplicationRestoreConfigurationDescription: { ApplicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT' },
        FlinkRunConfigurationDescription: { AllowNonRestoredState: false },
      },
      FlinkApplicationConfigurationDescription: {
        CheckpointConfigurationDescription: {
          ConfigurationType: v.checkpoint.configurationType,
          CheckpointingEnabled: v.checkpoint.checkpointingEnabled,
          CheckpointInterval: v.checkpoint.checkpointIntervalMs,
          MinPauseBetweenCheckpoints: v.checkpoint.minPauseBetweenCheckpointsMs,
        },
        MonitoringConfigurationDescription: {
          ConfigurationType: v.monitoring.configurationType,
          MetricsLevel: v.monitoring.metricsLevel,
          LogLevel: v.monitoring.logLevel,
        },
        ParallelismConfigurationDescription: {
          ConfigurationType: v.parallelism.configurationType,
          Parallelism: v.parallelism.parallelism,
          ParallelismPerKPU: v.parallelism.parallelismPerKpu,
          CurrentParallelism: app.currentParallelism,
          AutoScalingEnabled: v.parallelism.autoScalingEnabled,
        },
      },
      EnvironmentPropertyDescriptions: {
        PropertyGroupDescriptions: v.propertyGroups.map((g) => ({ PropertyGroupId: g.id, PropertyMap: { ...g.properties } })),
      },
      ApplicationSnapshotConfigurationDescription: { SnapshotsEnabled: v.snapshotsEnabled },
      ApplicationSystemRollbackConfigurationDescription: { RollbackEnabled: false },
    },
  };
  if (app.versionUpdatedFrom !== undefined) detail.ApplicationVersionUpdatedFrom = app.versionUpdatedFrom;
  if (app.versionRolledBackFrom !== undefined) detail.ApplicationVersionRolledBackFrom = app.versionRolledBackFrom;
  if (app.versionRolledBackTo !== undefined) detail.ApplicationVersionRolledBackTo = app.versionRolledBackTo;
  return detail;
}

export function applicationSummary(app: Application): Record<string, unknown> {
  return {
    ApplicationName: app.name,
    ApplicationARN: app.arn,
    ApplicationStatus: app.status,
    ApplicationVersionId: app.current.versionId,
    RuntimeEnvironment: app.current.runtime,
    ApplicationMode: 'STREAMING',
  };
}

export function operationInfo(op: OperationRecord): Record<string, unknown> {
  return {
    Operation: op.operation,
    OperationId: op.id,
    StartTime: seconds(op.startMs),
    ...(op.endMs !== null ? { EndTime: seconds(op.endMs) } : {}),
    OperationStatus: op.status,
  };
}

export function operationDetails(op: OperationRecord): Record<string, unknown> {
  const details: Record<string, unknown> = {
    Operation: op.operation,
    StartTime: seconds(op.startMs),
    EndTime: seconds(op.endMs ?? op.startMs),
    OperationStatus: op.status,
  };
  if (op.versionFrom !== undefined && op.versionTo !== undefined) {
    details.ApplicationVersionChangeDetails = { ApplicationVersionUpdatedFrom: op.versionFrom, ApplicationVersionUpdatedTo: op.versionTo };
  }
  if (op.error !== undefined) details.OperationFailureDetails = { ErrorInfo: { ErrorString: op.error } };
  return details;
}
