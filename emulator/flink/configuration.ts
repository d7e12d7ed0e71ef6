/**
 * Turns CreateApplication's `ApplicationConfiguration` and UpdateApplication's
 * `ApplicationConfigurationUpdate` into application versions, with AWS's defaults
 * (DEFAULT parallelism = 1 per KPU with autoscaling on; checkpoints every 60 s) and
 * limits (parallelism 1–256, 1–8 per KPU, KPUs up to the account's maximum).
 */
import { invalidArgument, limitExceeded } from './errors.js';
import type { ApplicationVersion, CodeLocation, PropertyGroup } from './model.js';

interface WirePropertyGroup {
  PropertyGroupId: string;
  PropertyMap: Record<string, string>;
}

export interface WireApplicationConfiguration {
  FlinkApplicationConfiguration?: {
    CheckpointConfiguration?: { ConfigurationType: 'CUSTOM' | 'DEFAULT'; CheckpointingEnabled?: boolean; CheckpointInterval?: number; MinPauseBetweenCheckpoints?: number };
    MonitoringConfiguration?: { ConfigurationType: 'CUSTOM' | 'DEFAULT'; MetricsLevel?: string; LogLevel?: string };
    ParallelismConfiguration?: { ConfigurationType: 'CUSTOM' | 'DEFAULT'; Parallelism?: number; ParallelismPerKPU?: number; AutoScalingEnabled?: boolean };
  };
  EnvironmentProperties?: { PropertyGroups: WirePropertyGroup[] };
  ApplicationCodeConfiguration?: {
    CodeContentType: 'PLAINTEXT' | 'ZIPFILE';
    CodeContent?: { TextContent?: string; ZipFileContent?: string; S3ContentLocation?: { BucketARN: string; FileKey: string; ObjectVersion?: string } };
  };
  ApplicationSnapshotConfiguration?: { SnapshotsEnabled: boolean };
}

export interface WireConfigurationUpdate {
  FlinkApplicationConfigurationUpdate?: {
    CheckpointConfigurationUpdate?: { ConfigurationTypeUpdate?: 'CUSTOM' | 'DEFAULT'; CheckpointingEnabledUpdate?: boolean; CheckpointIntervalUpdate?: number; MinPauseBetweenCheckpointsUpdate?: number };
    MonitoringConfigurationUpdate?: { ConfigurationTypeUpdate?: 'CUSTOM' | 'DEFAULT'; MetricsLevelUpdate?: string; LogLevelUpdate?: string };
    ParallelismConfigurationUpdate?: { ConfigurationTypeUpdate?: 'CUSTOM' | 'DEFAULT'; ParallelismUpdate?: number; ParallelismPerKPUUpdate?: number; AutoScalingEnabledUpdate?: boolean };
  };
  EnvironmentPropertyUpdates?: { PropertyGroups: WirePropertyGroup[] };
  ApplicationCodeConfigurationUpdate?: {
    CodeContentTypeUpdate?: 'PLAINTEXT' | 'ZIPFILE';
    CodeContentUpdate?: {
      TextContentUpdate?: string;
      ZipFileContentUpdate?: string;
      S3ContentLocationUpdate?: { BucketARNUpdate?: string; FileKeyUpdate?: string; ObjectVersionUpdate?: string };
    };
  };
  ApplicationSnapshotConfigurationUpdate?: { SnapshotsEnabledUpdate: boolean };
}

const DEFAULT_PARALLELISM = { configurationType: 'DEFAULT', parallelism: 1, parallelismPerKpu: 1, autoScalingEnabled: true } as const;
const DEFAULT_CHECKPOINT = { configurationType: 'DEFAULT', checkpointingEnabled: true, checkpointIntervalMs: 60_000, minPauseBetweenCheckpointsMs: 5000 } as const;
const DEFAULT_MONITORING = { configurationType: 'DEFAULT', metricsLevel: 'APPLICATION', logLevel: 'INFO' } as const;

export function kpusFor(parallelism: number, parallelismPerKpu: number): number {
  return Math.ceil(parallelism / parallelismPerKpu) + 1;
}

/** Throws AWS's errors for parallelism outside its range or above the KPU maximum. */
export function checkParallelism(parallelism: number, parallelismPerKpu: number, maxKpus: number): void {
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 256) {
    throw invalidArgument(`Parallelism must be between 1 and 256; received ${parallelism}.`);
  }
  if (!Number.isInteger(parallelismPerKpu) || parallelismPerKpu < 1 || parallelismPerKpu > 8) {
    throw invalidArgument(`ParallelismPerKPU must be between 1 and 8; received ${parallelismPerKpu}.`);
  }
  const kpus = kpusFor(parallelism, parallelismPerKpu);
  if (kpus > maxKpus) {
    throw limitExceeded(
      `The application would use ${kpus} KPUs (parallelism ${parallelism} at ${parallelismPerKpu} per KPU, plus 1), which exceeds the limit of ${maxKpus} KPUs per application.`,
    );
  }
}

function propertyGroups(groups: WirePropertyGroup[]): PropertyGroup[] {
  const seen = new Set<string>();
  return groups.map((g) => {
    if (typeof g.PropertyGroupId !== 'string' || g.PropertyGroupId === '' || typeof g.PropertyMap !== 'object' || g.PropertyMap === null) {
      throw invalidArgument('Each property group needs a PropertyGroupId and a PropertyMap.');
    }
    if (seen.has(g.PropertyGroupId)) throw invalidArgument(`Property group ${g.PropertyGroupId} is specified more than once.`);
    seen.add(g.PropertyGroupId);
    return { id: g.PropertyGroupId, properties: { ...g.PropertyMap } };
  });
}

function codeFrom(config: WireApplicationConfiguration['ApplicationCodeConfiguration']): CodeLocation | null {
  if (!config) return null;
  const content = config.CodeContent ?? {};
  const code: CodeLocation = { contentType: config.CodeContentType };
  if (content.TextContent !== undefined) code.textContent = content.TextContent;
  if (content.ZipFileContent !== undefined) code.zipSize = Buffer.byteLength(content.ZipFileContent, 'base64');
  if (content.S3ContentLocation) {
    const s3 = content.S3ContentLocation;
    code.s3 = { bucketArn: s3.BucketARN, fileKey: s3.FileKey, ...(s3.ObjectVersion !== undefined ? { objectVersion: s3.ObjectVersion } : {}) };
  }
  return code;
}

export interface VersionBase {
  description: string;
  runtime: string;
  serviceExecutionRole: string;
}

export function versionFromCreate(base: VersionBase, config: WireApplicationConfiguration | undefined, nowMs: number, maxKpus: number): ApplicationVersion {
  const flink = config?.FlinkApplicationConfiguration;
  const p = flink?.ParallelismConfiguration;
  const parallelism =
    p === undefined || p.ConfigurationType === 'DEFAULT'
      ? { ...DEFAULT_PARALLELISM }
      : { configurationType: 'CUSTOM' as const, parallelism: p.Parallelism ?? 1, parallelismPerKpu: p.ParallelismPerKPU ?? 1, autoScalingEnabled: p.AutoScalingEnabled ?? false };
  checkParallelism(parallelism.parallelism, parallelism.parallelismPerKpu, maxKpus);
  const c = flink?.CheckpointConfiguration;
  const m = flink?.MonitoringConfiguration;
  return {
    versionId: 1,
    createdMs: nowMs,
    ...base,
    parallelism,
    checkpoint:
      c === undefined || c.ConfigurationType === 'DEFAULT'
        ? { ...DEFAULT_CHECKPOINT }
        : {
            configurationType: 'CUSTOM',
            checkpointingEnabled: c.CheckpointingEnabled ?? true,
            checkpointIntervalMs: c.CheckpointInterval ?? DEFAULT_CHECKPOINT.checkpointIntervalMs,
            minPauseBetweenCheckpointsMs: c.MinPauseBetweenCheckpoints ?? DEFAULT_CHECKPOINT.minPauseBetweenCheckpointsMs,
          },
    monitoring:
      m === undefined || m.ConfigurationType === 'DEFAULT'
        ? { ...DEFAULT_MONITORING }
        : { configurationType: 'CUSTOM', metricsLevel: m.MetricsLevel ?? 'APPLICATION', logLevel: m.LogLevel ?? 'INFO' },
    propertyGroups: propertyGroups(config?.EnvironmentProperties?.PropertyGroups ?? []),
    code: codeFrom(config?.ApplicationCodeConfiguration),
    snapshotsEnabled: config?.ApplicationSnapshotConfiguration?.SnapshotsEnabled ?? false,
  };
}

function updatedCode(code: CodeLocation | null, u: WireConfigurationUpdate['ApplicationCodeConfigurationUpdate']): CodeLocation | null {
  if (!u) return code;
  const next: CodeLocation = { ...(code ?? { contentType: 'ZIPFILE' }), ...(u.CodeContentTypeUpdate ? { contentType: u.CodeContentTypeUpdate } : {}) };
  const c = u.CodeContentUpdate;
  if (c?.TextContentUpdate !== undefined) next.textContent = c.TextContentUpdate;
  if (c?.ZipFileContentUpdate !== undefined) next.zipSize = Buffer.byteLength(c.ZipFileContentUpdate, 'base64');
  if (c?.S3ContentLocationUpdate) {
    const s = c.S3ContentLocationUpdate;
    const prev = next.s3 ?? { bucketArn: '', fileKey: '' };
    next.s3 = {
      bucketArn: s.BucketARNUpdate ?? prev.bucketArn,
      fileKey: s.FileKeyUpdate ?? prev.fileKey,
      ...((s.ObjectVersionUpdate ?? prev.objectVersion) !== undefined ? { objectVersion: s.ObjectVersionUpdate ?? prev.objectVersion } : {}),
    };
  }
  return next;
}

export interface VersionChanges {
  configuration?: WireConfigurationUpdate;
  serviceExecutionRole?: string;
  runtime?: string;
}

/** The next version: the current one with the updates applied and the id bumped. */
export function versionFromUpdate(current: ApplicationVersion, changes: VersionChanges, versionId: number, nowMs: number, maxKpus: number): ApplicationVersion {
  const u = changes.configuration;
  const f = u?.FlinkApplicationConfigurationUpdate;
  const pu = f?.ParallelismConfigurationUpdate;
  let parallelism = { ...current.parallelism };
  if (pu?.ConfigurationTypeUpdate === 'DEFAULT') parallelism = { ...DEFAULT_PARALLELISM };
  else if (pu) {
    parallelism = {
      configurationType: pu.ConfigurationTypeUpdate ?? parallelism.configurationType,
      parallelism: pu.ParallelismUpdate ?? parallelism.parallelism,
      parallelismPerKpu: pu.ParallelismPerKPUUpdate ?? parallelism.parallelismPerKpu,
      autoScalingEnabled: pu.AutoScalingEnabledUpdate ?? parallelism.autoScalingEnabled,
    };
    if (parallelism.configurationType === 'DEFAULT' && (pu.ParallelismUpdate !== undefined || pu.ParallelismPerKPUUpdate !== undefined)) {
      throw invalidArgument('Parallelism and ParallelismPerKPU can only be set when ConfigurationType is CUSTOM.');
    }
  }
  checkParallelism(parallelism.parallelism, parallelism.parallelismPerKpu, maxKpus);
  const cu = f?.CheckpointConfigurationUpdate;
  const checkpoint =
    cu?.ConfigurationTypeUpdate === 'DEFAULT'
      ? { ...DEFAULT_CHECKPOINT }
      : {
          configurationType: cu?.ConfigurationTypeUpdate ?? current.checkpoint.configurationType,
          checkpointingEnabled: cu?.CheckpointingEnabledUpdate ?? current.checkpoint.checkpointingEnabled,
          checkpointIntervalMs: cu?.CheckpointIntervalUpdate ?? current.checkpoint.checkpointIntervalMs,
          minPauseBetweenCheckpointsMs: cu?.MinPauseBetweenCheckpointsUpdate ?? current.checkpoint.minPauseBetweenCheckpointsMs,
        };
  const mu = f?.MonitoringConfigurationUpdate;
  const monitoring =
    mu?.ConfigurationTypeUpdate === 'DEFAULT'
      ? { ...DEFAULT_MONITORING }
      : {
          configurationType: mu?.ConfigurationTypeUpdate ?? current.monitoring.configurationType,
          metricsLevel: mu?.MetricsLevelUpdate ?? current.monitoring.metricsLevel,
          logLevel: mu?.LogLevelUpdate ?? current.monitoring.logLevel,
        };
  return {
    ...current,
    versionId,
    createdMs: nowMs,
    runtime: changes.runtime ?? current.runtime,
    serviceExecutionRole: changes.serviceExecutionRole ?? current.serviceExecutionRole,
    parallelism,
    checkpoint,
    monitoring,
    propertyGroups: u?.EnvironmentPropertyUpdates ? propertyGroups(u.EnvironmentPropertyUpdates.PropertyGroups ?? []) : current.propertyGroups,
    code: updatedCode(current.code, u?.ApplicationCodeConfigurationUpdate),
    snapshotsEnabled: u?.ApplicationSnapshotConfigurationUpdate?.SnapshotsEnabledUpdate ?? current.snapshotsEnabled,
  };
}

/** A property of the running job, by group and key. */
export function property(version: ApplicationVersion, group: string, key: string): string | undefined {
  return version.propertyGroups.find((g) => g.id === group)?.properties[key];
}
