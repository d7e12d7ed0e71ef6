/**
 * KPL de-aggregation for the simulated job, as the Flink Kinesis connector does it: a
 * Kinesis record that starts with the KPL magic number holds many user records (decoded
 * by awslabs' `aws-kinesis-agg`, checksum verified); any other record is one user record.
 * The job then counts user records — in its results and `numRecordsInPerSecond` — while
 * Kinesis's `IncomingRecords` keeps counting Kinesis records, as on AWS.
 */
import { createRequire } from 'node:module';
import type { StreamRecordView } from '../core/types.js';
import type { RecordExpander, UserRecordView } from './source.js';

interface DeaggregatedRecord {
  partitionKey: string;
  data: string;
  subSequenceNumber: number;
}
type DeaggregateSync = (
  record: { data: string; partitionKey: string; sequenceNumber: string },
  computeChecksums: boolean,
  done: (err: Error | null | undefined, records?: DeaggregatedRecord[]) => void,
) => void;
// The package's own typings import the v2 SDK: typed here instead.
const { deaggregateSync } = createRequire(import.meta.url)('aws-kinesis-agg') as { deaggregateSync: DeaggregateSync };

const KPL_MAGIC = Buffer.from('f3899ac2', 'hex');

export function isAggregated(data: Buffer): boolean {
  return data.length > KPL_MAGIC.length + 16 && data.subarray(0, KPL_MAGIC.length).equals(KPL_MAGIC);
}

export const kplExpander: RecordExpander = (record: StreamRecordView): UserRecordView[] => {
  if (!isAggregated(record.data)) return [{ ...record, subSequence: 0, ofCount: 1 }];
  let users: DeaggregatedRecord[] = [];
  let failure: Error | null = null;
  deaggregateSync({ data: record.data.toString('base64'), partitionKey: record.partitionKey, sequenceNumber: record.sequenceNumber }, true, (err, out) => {
    if (err) failure = err;
    else users = out ?? [];
  });
  // A corrupt aggregate is one (malformed) record to the job, as the connector passes it on.
  if (failure !== null || users.length === 0) return [{ ...record, subSequence: 0, ofCount: 1 }];
  return users.map((u, i) => ({
    sequenceNumber: record.sequenceNumber,
    partitionKey: u.partitionKey,
    data: Buffer.from(u.data, 'base64'),
    arrivalMs: record.arrivalMs,
    subSequence: i,
    ofCount: users.length,
  }));
};
