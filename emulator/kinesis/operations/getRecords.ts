import type { Operation } from '../../core/types.js';
import { expiredIterator, invalidArgument, readThroughputExceeded, shardNotFound } from '../errors.js';
import { decodeIterator, encodeIterator } from '../iterators.js';
import { formatSequenceNumber } from '../sequenceNumbers.js';
import { readShardMetered } from '../shardReads.js';
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

      const read = readShardMetered(store, stream, shard, state.position, input.Limit ?? 10000, ctx.nowMs);
      if (read.throttled) throw readThroughputExceeded(shard.id, stream.name, ctx.accountId);
      const nextUnread = read.caughtUp ? null : shard.log.read(read.nextPosition, 1, Infinity)[0];

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
