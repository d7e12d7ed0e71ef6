/**
 * In-process read access for the simulated Flink job: the same shards, positions and
 * end-of-closed-shard rule as GetRecords, without the wire or iterators. `fetchShard`
 * is a GetRecords call in all but transport (limits and metrics); `readShard` a free peek.
 */
import type { ShardReadResult, ShardView, StreamReader } from '../core/types.js';
import { isOpen, type Shard } from './model.js';
import { readFrom, type ShardRead } from './records.js';
import { formatSequenceNumber, parseSequenceNumber } from './sequenceNumbers.js';
import { readShardMetered } from './shardReads.js';
import type { StreamStore } from './store.js';

export function createStreamReader(store: StreamStore): StreamReader {
  const readable = (name: string) => {
    const stream = store.find(name);
    return stream !== undefined && (stream.status === 'ACTIVE' || stream.status === 'UPDATING') ? stream : undefined;
  };
  return {
    streamExists: (name) => readable(name) !== undefined,
    shards(name): ShardView[] {
      return (readable(name)?.shards ?? []).map((s) => ({
        shardId: s.id,
        parentShardId: s.parentShardId,
        adjacentParentShardId: s.adjacentParentShardId,
        closed: !isOpen(s),
      }));
    },
    readShard(name, shardId, afterSequenceNumber, limit): ShardReadResult {
      const shard = readable(name)?.shards.find((s) => s.id === shardId);
      if (shard === undefined) return { records: [], endOfClosedShard: false, latestArrivalMs: null };
      return view(shard, readFrom(shard, positionAfter(afterSequenceNumber), limit));
    },
    fetchShard(name, shardId, afterSequenceNumber, limit, nowMs) {
      const stream = readable(name);
      const shard = stream?.shards.find((s) => s.id === shardId);
      if (stream === undefined || shard === undefined) return { records: [], endOfClosedShard: false, latestArrivalMs: null, throttled: false };
      const read = readShardMetered(store, stream, shard, positionAfter(afterSequenceNumber), limit, nowMs);
      if (read.throttled) return { records: [], endOfClosedShard: false, latestArrivalMs: shard.log.lastArrivalMs(), throttled: true };
      return { ...view(shard, read), throttled: false };
    },
  };
}

function positionAfter(afterSequenceNumber: string | null): number {
  const after = afterSequenceNumber === null ? null : parseSequenceNumber(afterSequenceNumber);
  return after === null ? 0 : after.counter + 1;
}

function view(shard: Shard, read: ShardRead): ShardReadResult {
  return {
    records: read.records.map((r) => ({
      sequenceNumber: formatSequenceNumber(r.counter, shard.index),
      partitionKey: r.partitionKey,
      data: Buffer.from(r.dataBase64, 'base64'),
      arrivalMs: r.arrivalMs,
    })),
    endOfClosedShard: read.endOfClosedShard,
    latestArrivalMs: shard.log.lastArrivalMs(),
  };
}
