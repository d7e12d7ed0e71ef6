/** The `AWS/Kinesis` stream-level metrics AWS publishes, dimension `StreamName`. */
import type { Stream } from './model.js';
import type { StreamStore } from './store.js';

export type KinesisMetric =
  | 'IncomingRecords'
  | 'IncomingBytes'
  | 'PutRecord.Bytes'
  | 'PutRecords.Records'
  | 'PutRecords.Bytes'
  | 'WriteProvisionedThroughputExceeded'
  | 'ReadProvisionedThroughputExceeded'
  | 'GetRecords.Records'
  | 'GetRecords.Bytes'
  | 'GetRecords.IteratorAgeMilliseconds';

const UNITS: Record<KinesisMetric, string> = {
  IncomingRecords: 'Count',
  IncomingBytes: 'Bytes',
  'PutRecord.Bytes': 'Bytes',
  'PutRecords.Records': 'Count',
  'PutRecords.Bytes': 'Bytes',
  WriteProvisionedThroughputExceeded: 'Count',
  ReadProvisionedThroughputExceeded: 'Count',
  'GetRecords.Records': 'Count',
  'GetRecords.Bytes': 'Bytes',
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
