import { checkField, isBase64, validationError } from '../../core/validation.js';
import type { Operation } from '../../core/types.js';
import { invalidArgument, writeThroughputMessage } from '../errors.js';
import { publish, publishShard } from '../metrics.js';
import { appendRecord, base64Bytes, recordHashHex, routeToShard } from '../records.js';
import { EXPLICIT_HASH_KEY, PARTITION_KEY, RECORD_DATA, STREAM_ARN, STREAM_NAME } from '../rules.js';
import { formatSequenceNumber } from '../sequenceNumbers.js';
import type { Shard } from '../model.js';
import type { StreamStore } from '../store.js';
import type { StreamRef } from '../streams.js';
import { findWritableStream } from '../streams.js';

interface PutRecordsEntry {
  Data: string;
  PartitionKey: string;
  ExplicitHashKey?: string;
}

interface PutRecordsInput extends StreamRef {
  Records: PutRecordsEntry[];
}

type ResultEntry = { SequenceNumber: string; ShardId: string } | { ErrorCode: string; ErrorMessage: string };

const MAX_PAYLOAD_BYTES = 5 * 1024 * 1024;

const MAX_DATA_BYTES = RECORD_DATA.maxLength as number;

/** The common case, checked without building messages; anything unusual gets the full table. */
function plainlyValid(record: PutRecordsEntry): boolean {
  return (
    record !== null &&
    typeof record === 'object' &&
    typeof record.Data === 'string' &&
    isBase64(record.Data) &&
    base64Bytes(record.Data) <= MAX_DATA_BYTES &&
    typeof record.PartitionKey === 'string' &&
    record.PartitionKey.length >= 1 &&
    record.PartitionKey.length <= 256 &&
    record.ExplicitHashKey === undefined
  );
}

function validateEntries(records: PutRecordsEntry[]): void {
  const problems: string[] = [];
  for (const [i, record] of records.entries()) {
    if (plainlyValid(record)) continue;
    const path = `records.${i + 1}.member`;
    if (record === null || typeof record !== 'object') {
      problems.push(...checkField(undefined, { required: true }, path));
      continue;
    }
    problems.push(
      ...checkField(record.Data, RECORD_DATA, `${path}.data`),
      ...checkField(record.PartitionKey, PARTITION_KEY, `${path}.partitionKey`),
      ...checkField(record.ExplicitHashKey, EXPLICIT_HASH_KEY, `${path}.explicitHashKey`),
    );
  }
  if (problems.length > 0) throw validationError(problems);
}

export function putRecords(store: StreamStore): Operation<PutRecordsInput, unknown> {
  return {
    validation: {
      Records: { type: 'array', required: true, minItems: 1, maxItems: 500 },
      StreamName: STREAM_NAME,
      StreamARN: STREAM_ARN,
    },
    handle(input, ctx) {
      const started = performance.now();
      validateEntries(input.Records);
      const sizes = input.Records.map((r) => {
        const data = base64Bytes(r.Data);
        return { data, total: data + Buffer.byteLength(r.PartitionKey, 'utf8') };
      });
      if (sizes.reduce((sum, s) => sum + s.total, 0) > MAX_PAYLOAD_BYTES) {
        throw invalidArgument('Records size exceeds 5 MB limit');
      }
      const stream = findWritableStream(store, input);
      let failed = 0;
      let acceptedBytes = 0;
      const perShard = stream.shardLevelMetrics.size > 0 ? new Map<Shard, { records: number; bytes: number; throttled: number }>() : null;
      const results: ResultEntry[] = input.Records.map((record, i) => {
        const size = sizes[i] as { data: number; total: number };
        const shard = routeToShard(stream, recordHashHex(record.PartitionKey, record.ExplicitHashKey));
        const counter = appendRecord(store, stream, shard, ctx.nowMs, record.PartitionKey, record.Data, size.total);
        if (perShard !== null) {
          const totals = perShard.get(shard) ?? { records: 0, bytes: 0, throttled: 0 };
          if (counter === null) totals.throttled += 1;
          else {
            totals.records += 1;
            totals.bytes += size.data;
          }
          perShard.set(shard, totals);
        }
        if (counter === null) {
          failed += 1;
          return {
            ErrorCode: 'ProvisionedThroughputExceededException',
            ErrorMessage: writeThroughputMessage(shard.id, stream.name, ctx.accountId),
          };
        }
        acceptedBytes += size.data;
        return { SequenceNumber: formatSequenceNumber(counter, shard.index), ShardId: shard.id };
      });
      const accepted = results.length - failed;
      publish(store, stream, 'IncomingRecords', accepted, ctx.nowMs);
      publish(store, stream, 'IncomingBytes', acceptedBytes, ctx.nowMs);
      // PutRecords.Records is AWS's deprecated name for SuccessfulRecords; both are published.
      publish(store, stream, 'PutRecords.Records', accepted, ctx.nowMs);
      publish(store, stream, 'PutRecords.Bytes', acceptedBytes, ctx.nowMs);
      publish(store, stream, 'PutRecords.TotalRecords', results.length, ctx.nowMs);
      publish(store, stream, 'PutRecords.SuccessfulRecords', accepted, ctx.nowMs);
      publish(store, stream, 'PutRecords.ThrottledRecords', failed, ctx.nowMs);
      publish(store, stream, 'PutRecords.FailedRecords', 0, ctx.nowMs);
      publish(store, stream, 'PutRecords.Success', 1, ctx.nowMs);
      publish(store, stream, 'PutRecords.Latency', Math.round(performance.now() - started), ctx.nowMs);
      publish(store, stream, 'WriteProvisionedThroughputExceeded', failed, ctx.nowMs);
      for (const [shard, totals] of perShard ?? []) {
        publishShard(store, stream, shard, 'IncomingRecords', totals.records, ctx.nowMs);
        publishShard(store, stream, shard, 'IncomingBytes', totals.bytes, ctx.nowMs);
        publishShard(store, stream, shard, 'WriteProvisionedThroughputExceeded', totals.throttled, ctx.nowMs);
      }
      return { FailedRecordCount: failed, Records: results, EncryptionType: 'NONE' };
    },
  };
}
