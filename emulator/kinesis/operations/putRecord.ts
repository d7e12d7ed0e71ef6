import type { Operation } from '../../core/types.js';
import { writeThroughputExceeded } from '../errors.js';
import { publish, publishShard } from '../metrics.js';
import { appendRecord, base64Bytes, recordHashHex, routeToShard } from '../records.js';
import { EXPLICIT_HASH_KEY, PARTITION_KEY, RECORD_DATA, SEQUENCE_NUMBER, STREAM_ARN, STREAM_NAME } from '../rules.js';
import { formatSequenceNumber } from '../sequenceNumbers.js';
import type { StreamStore } from '../store.js';
import type { StreamRef } from '../streams.js';
import { findWritableStream } from '../streams.js';

interface PutRecordInput extends StreamRef {
  Data: string;
  PartitionKey: string;
  ExplicitHashKey?: string;
  SequenceNumberForOrdering?: string;
}

export function putRecord(store: StreamStore): Operation<PutRecordInput, unknown> {
  return {
    validation: {
      StreamName: STREAM_NAME,
      StreamARN: STREAM_ARN,
      Data: RECORD_DATA,
      PartitionKey: PARTITION_KEY,
      ExplicitHashKey: EXPLICIT_HASH_KEY,
      SequenceNumberForOrdering: SEQUENCE_NUMBER,
    },
    handle(input, ctx) {
      const started = performance.now();
      const stream = findWritableStream(store, input);
      const shard = routeToShard(stream, recordHashHex(input.PartitionKey, input.ExplicitHashKey));
      const dataBytes = base64Bytes(input.Data);
      const size = dataBytes + Buffer.byteLength(input.PartitionKey, 'utf8');
      const counter = appendRecord(store, stream, shard, ctx.nowMs, input.PartitionKey, input.Data, size);
      if (counter === null) {
        publish(store, stream, 'WriteProvisionedThroughputExceeded', 1, ctx.nowMs);
        publishShard(store, stream, shard, 'WriteProvisionedThroughputExceeded', 1, ctx.nowMs);
        throw writeThroughputExceeded(shard.id, stream.name, ctx.accountId);
      }
      publish(store, stream, 'IncomingRecords', 1, ctx.nowMs);
      publish(store, stream, 'IncomingBytes', dataBytes, ctx.nowMs);
      publish(store, stream, 'PutRecord.Bytes', dataBytes, ctx.nowMs);
      publish(store, stream, 'PutRecord.Success', 1, ctx.nowMs);
      publish(store, stream, 'PutRecord.Latency', Math.round(performance.now() - started), ctx.nowMs);
      publish(store, stream, 'WriteProvisionedThroughputExceeded', 0, ctx.nowMs);
      publishShard(store, stream, shard, 'IncomingRecords', 1, ctx.nowMs);
      publishShard(store, stream, shard, 'IncomingBytes', dataBytes, ctx.nowMs);
      return { ShardId: shard.id, SequenceNumber: formatSequenceNumber(counter, shard.index), EncryptionType: 'NONE' };
    },
  };
}
