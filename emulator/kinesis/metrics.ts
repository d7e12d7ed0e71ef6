/**
 * The `AWS/Kinesis` metrics AWS publishes: stream-level (dimension `StreamName`) always,
 * shard-level (dimensions `StreamName` + `ShardId`) only for the metrics switched on
 * with EnableEnhancedMonitoring.
 */
import type { Shard, Stream } from './model.js';
import type { StreamStore } from './store.js';

export type KinesisMetric =
  | 'IncomingRecords'
  | 'IncomingBytes'
  | 'PutRecord.Bytes'
  | 'PutRecord.Success'
  | 'PutRecord.Latency'
  | 'PutRecords.Records'
  | 'PutRecords.Bytes'
  | 'PutRecords.Success'
  | 'PutRecords.Latency'
  | 'PutRecords.TotalRecords'
  | 'PutRecords.SuccessfulRecords'
  | 'PutRecords.FailedRecords'
  | 'PutRecords.ThrottledRecords'
  | 'WriteProvisionedThroughputExceeded'
  | 'ReadProvisionedThroughputExceeded'
  | 'GetRecords.Records'
  | 'GetRecords.Bytes'
  | 'GetRecords.Success'
  | 'GetRecords.Latency'
  | 'GetRecords.IteratorAgeMilliseconds';

/** The metrics EnableEnhancedMonitoring can switch on (`ALL` means every one). */
export const SHARD_LEVEL_METRICS = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
] as const;
export type ShardLevelMetric = (typeof SHARD_LEVEL_METRICS)[number];

const UNITS: Record<KinesisMetric | ShardLevelMetric, string> = {
  IncomingRecords: 'Count',
  IncomingBytes: 'Bytes',
  OutgoingRecords: 'Count',
  OutgoingBytes: 'Bytes',
  IteratorAgeMilliseconds: 'Milliseconds',
  'PutRecord.Bytes': 'Bytes',
  'PutRecord.Success': 'Count',
  'PutRecord.Latency': 'Milliseconds',
  'PutRecords.Records': 'Count',
  'PutRecords.Bytes': 'Bytes',
  'PutRecords.Success': 'Count',
  'PutRecords.Latency': 'Milliseconds',
  'PutRecords.TotalRecords': 'Count',
  'PutRecords.SuccessfulRecords': 'Count',
  'PutRecords.FailedRecords': 'Count',
  'PutRecords.ThrottledRecords': 'Count',
  WriteProvisionedThroughputExceeded: 'Count',
  ReadProvisionedThroughputExceeded: 'Count',
  'GetRecords.Records': 'Count',
  'GetRecords.Bytes': 'Bytes',
  'GetRecords.Success': 'Count',
  'GetRecords.Latency': 'Milliseconds',
  'GetRecords.IteratorAgeMilliseconds': 'Milliseconds',
};

export function publish(store: StreamStore, stream: Stream, metricName: KinesisMetric, value: number, nowMs: number): void {
  store.metrics.record({
    namespace: 'AWS/Kinesis',
    metricName,
    dimensions: { StreamName: stream.name },
    value,
    timestampMs: nowMs,
    unit: UNITS[metricName],
  });
}

/** A shard-level datum, published only when enhanced monitoring covers the metric. */
export function publishShard(store: StreamStore, stream: Stream, shard: Shard, metricName: ShardLevelMetric, value: number, nowMs: number): void {
  if (!stream.shardLevelMetrics.has(metricName)) return;
  store.metrics.record({
    namespace: 'AWS/Kinesis',
    metricName,
    dimensions: { StreamName: stream.name, ShardId: shard.id },
    value,
    timestampMs: nowMs,
    unit: UNITS[metricName],
  });
}
