/**
 * In-process read access for the simulated Flink job: the same shards, positions and
 * end-of-closed-shard rule as GetRecords, without the wire, limits or iterators.
 */
import type { ShardReadResult, ShardView, StreamReader } from '../core/types.js';
import { isOpen } from './model.js';
import { readFrom } from './records.js';
import { formatSequenceNumber, parseSequenceNumber } from './sequenceNumbers.js';
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
      const after = afterSequenceNumber === null ? null : parseSequenceNumber(afterSequenceNumber);
      const read = readFrom(shard, after === null ? 0 : after.counter + 1, limit);
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
    },
  };
}
