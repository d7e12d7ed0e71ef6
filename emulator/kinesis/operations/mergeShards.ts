/**
 * MergeShards: two open, adjacent shards (one's ending hash key + 1 is the other's
 * starting key) become one whose parents are `ShardToMerge` and `AdjacentShardToMerge`.
 * The stream must be ACTIVE; it is UPDATING until the merge completes.
 */
import type { Operation } from '../../core/types.js';
import { invalidArgument, shardNotFound, streamNotActive } from '../errors.js';
import { isOpen } from '../model.js';
import { merge } from '../resharding.js';
import { SHARD_ID, STREAM_ARN, STREAM_NAME } from '../rules.js';
import type { StreamStore } from '../store.js';
import type { StreamRef } from '../streams.js';
import { findStream } from '../streams.js';

interface MergeShardsInput extends StreamRef {
  ShardToMerge: string;
  AdjacentShardToMerge: string;
}

export function mergeShards(store: StreamStore): Operation<MergeShardsInput, Record<string, never>> {
  return {
    validation: {
      StreamName: STREAM_NAME,
      StreamARN: STREAM_ARN,
      ShardToMerge: { ...SHARD_ID, required: true },
      AdjacentShardToMerge: { ...SHARD_ID, required: true },
    },
    handle(input, ctx) {
      const stream = findStream(store, input);
      if (stream.status !== 'ACTIVE') throw streamNotActive(stream.name, ctx.accountId, stream.status);
      const find = (id: string) => {
        const shard = stream.shards.find((s) => s.id === id);
        if (shard === undefined) throw shardNotFound(id, stream.name, ctx.accountId);
        if (!isOpen(shard)) throw invalidArgument(`Shard ${id} in stream ${stream.name} under account ${ctx.accountId} has already been merged or split, and thus is not eligible for merging or splitting.`);
        return shard;
      };
      const shard = find(input.ShardToMerge);
      const adjacent = find(input.AdjacentShardToMerge);
      const [lower, upper] = shard.startHex < adjacent.startHex ? [shard, adjacent] : [adjacent, shard];
      if (BigInt(`0x${lower.endHex}`) + 1n !== BigInt(`0x${upper.startHex}`)) {
        throw invalidArgument(`Shards ${shard.id} and ${adjacent.id} in stream ${stream.name} under account ${ctx.accountId} are not an adjacent pair of shards eligible for merging`);
      }
      store.reshard(stream, (open) => {
        if (!isOpen(shard) || !isOpen(adjacent)) return;
        // The child's range spans both; ParentShardId is ShardToMerge, as AWS reports it.
        const child = merge(stream, lower, upper, open);
        child.parentShardId = shard.id;
        child.adjacentParentShardId = adjacent.id;
      });
      return {};
    },
  };
}
