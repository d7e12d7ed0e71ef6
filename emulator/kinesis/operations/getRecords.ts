import type { Operation } from '../../core/types.js';
import { expiredIterator, invalidArgument, readThroughputExceeded, shardNotFound } from '../errors.js';
import { decodeIterator, encodeIterator } from '../iterators.js';
import { publish } from '../metrics.js';
import { readFrom } from '../records.js';
import { formatSequenceNumber } from '../sequenceNumbers.js';
import type { StreamStore } from '../store.js';
import { childShardsOf } from '../wire.js';

interface GetRecordsInput {
  ShardIterator: string;
  Limit?: number;
  StreamARN?: string;
}

export function getRecords(store: StreamStore): Operation<GetRecordsInput, unknown> {
  return {
    validation: {
      ShardIterator: { type: 'string', required: true, minLength: 1, maxLength: 512 },
      Limit: { type: 'integer', min: 1, max: 10000 },
      StreamARN: { type: 'string', minLength: 1, maxLength: 2048 },
    },
    handle(input, ctx) {
      const state = decodeIterator(input.ShardIterator);
      if (state === null) throw invalidArgument('Invalid ShardIterator.');
      const ttl = store.options.iteratorTtlMs;
      if (ctx.nowMs - state.issuedMs > ttl) throw expiredIterator(state.issuedMs, ctx.nowMs, ttl);
      const stream = store.find(state.streamName);
      const shard = stream?.incarnation === state.incarnation ? stream.shards[state.shardIndex] : undefined;
      const shardId = `shardId-${String(state.shardIndex).padStart(12, '0')}`;
      if (stream === undefined || shard === undefined || stream.status === 'DELETING' || stream.incarnation !== state.incarnation) {
        throw shardNotFound(shardId, state.streamName, ctx.accountId);
      }

      const options = store.options;
      if (options.limitsEnabled) {
        const usage = shard.reads.usage(ctx.nowMs);
        if (usage.count + 1 > options.readCallsPerSecond || usage.bytes >= options.readBytesPerSecond) {
          publish(store, stream, 'ReadProvisionedThroughputExceeded', 1, ctx.nowMs);
          throw readThroughputExceeded(shard.id, stream.name, ctx.accountId);
        }
      }
      const read = readFrom(shard, state.position, input.Limit ?? 10000);
      const bytes = read.records.reduce((sum, r) => sum + r.size, 0);
      if (options.limitsEnabled) shard.reads.add(ctx.nowMs, 1, bytes);

      const last = read.records[read.records.length - 1];
      const latest = shard.log.lastArrivalMs();
      const nextUnread = read.caughtUp ? null : shard.log.read(read.nextPosition, 1, Infinity)[0];
      publish(store, stream, 'GetRecords.Records', read.records.length, ctx.nowMs);
      publish(store, stream, 'GetRecords.Bytes', bytes, ctx.nowMs);
      publish(store, stream, 'GetRecords.IteratorAgeMilliseconds', last === undefined || latest === null ? 0 : ctx.nowMs - last.arrivalMs, ctx.nowMs);
      publish(store, stream, 'ReadProvisionedThroughputExceeded', 0, ctx.nowMs);

      return {
        Records: read.records.map((r) => ({
          SequenceNumber: formatSequenceNumber(r.counter, shard.index),
          ApproximateArrivalTimestamp: r.arrivalMs / 1000,
          Data: r.dataBase64,
          PartitionKey: r.partitionKey,
        })),
        MillisBehindLatest: nextUnread === undefined || nextUnread === null ? 0 : Math.max(0, ctx.nowMs - nextUnread.arrivalMs),
        ...(read.endOfClosedShard
          ? { ChildShards: childShardsOf(stream, shard) }
          : {
              NextShardIterator: encodeIterator({ ...state, position: read.nextPosition, issuedMs: ctx.nowMs }),
            }),
      };
    },
  };
}
