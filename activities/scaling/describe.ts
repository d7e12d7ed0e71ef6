/**
 * Reads the current capacity of a pipeline's stream and application with one
 * Describe* call each. Shared by every scaling activity so they all judge the same facts.
 */
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { DescribeApplicationCommand, type KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import type { ApplicationStatus, StreamStatus } from '../../scaling/types.js';
import { callAws } from '../aws/errors.js';
import type { CapacitySnapshot, ScalingResources } from './types.js';

const STREAM_STATUSES: readonly string[] = ['CREATING', 'ACTIVE', 'UPDATING', 'DELETING'];
const APPLICATION_STATUSES: readonly string[] = [
  'READY', 'STARTING', 'RUNNING', 'UPDATING', 'AUTOSCALING', 'STOPPING', 'FORCE_STOPPING',
  'ROLLING_BACK', 'ROLLED_BACK', 'DELETING', 'MAINTENANCE',
];

export interface StreamFacts {
  status: StreamStatus;
  openShards: number;
}

export interface ApplicationFacts {
  status: ApplicationStatus;
  parallelism: number;
  currentParallelism: number;
  parallelismPerKpu: number;
  autoScalingEnabled: boolean;
  versionId: number;
}

export async function describeStream(kinesis: KinesisClient, streamName: string): Promise<StreamFacts> {
  const out = await callAws(`describing stream ${streamName}`, () => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName })));
  const summary = out.StreamDescriptionSummary;
  const status = summary?.StreamStatus ?? 'UNKNOWN';
  return {
    status: (STREAM_STATUSES.includes(status) ? status : 'UNKNOWN') as StreamStatus,
    openShards: summary?.OpenShardCount ?? 0,
  };
}

export async function describeApplication(flink: KinesisAnalyticsV2Client, applicationName: string): Promise<ApplicationFacts> {
  const out = await callAws(
    `describing application ${applicationName}`,
    () => flink.send(new DescribeApplicationCommand({ ApplicationName: applicationName })),
  );
  const detail = out.ApplicationDetail;
  const parallelismConfig =
    detail?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription;
  const status = detail?.ApplicationStatus ?? 'UNKNOWN';
  const parallelism = parallelismConfig?.Parallelism ?? 1;
  return {
    status: (APPLICATION_STATUSES.includes(status) ? status : 'UNKNOWN') as ApplicationStatus,
    parallelism,
    currentParallelism: parallelismConfig?.CurrentParallelism ?? parallelism,
    parallelismPerKpu: parallelismConfig?.ParallelismPerKPU ?? 1,
    autoScalingEnabled: parallelismConfig?.AutoScalingEnabled ?? false,
    versionId: detail?.ApplicationVersionId ?? 0,
  };
}

export async function describeCapacity(
  clients: { kinesis: KinesisClient; flink: KinesisAnalyticsV2Client },
  resources: ScalingResources,
): Promise<CapacitySnapshot> {
  const [stream, app] = await Promise.all([
    describeStream(clients.kinesis, resources.streamName),
    describeApplication(clients.flink, resources.applicationName),
  ]);
  return {
    streamStatus: stream.status,
    openShards: stream.openShards,
    applicationStatus: app.status,
    parallelism: app.parallelism,
    currentParallelism: app.currentParallelism,
    parallelismPerKpu: app.parallelismPerKpu,
    autoScalingEnabled: app.autoScalingEnabled,
    applicationVersionId: app.versionId,
  };
}
