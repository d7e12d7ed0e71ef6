/**
 * SplitShard: one open shard becomes two at `NewStartingHashKey`, with AWS's rules — the
 * stream must be ACTIVE, the shard open, the key strictly inside the shard's range
 * (above its starting key, not above its ending key), and the extra shard within the
 * account's quota. The stream is UPDATING until the split completes.
 */
import type { Operation } from '../../core/types.js';
import { invalidArgument, shardNotFound, streamNotActive } from '../errors.js';
import { isOpen } from '../model.js';
import { assertShardQuota } from '../quotas.js';
import { splitAt } from '../resharding.js';
import { EXPLICIT_HASH_KEY, SHARD_ID, STREAM_ARN, STREAM_NAME } from '../rules.js';
import type { StreamStore } from '../store.js';
import type { StreamRef } from '../streams.js';
import { findStream } from '../streams.js';

interface SplitShardInput extends StreamRef {
  ShardToSplit: string;
  NewStartingHashKey: string;
}

export function splitShard(store: StreamStore): Operation<SplitShardInput, Record<string, never>> {
  return {
    validation: {
      StreamName: STREAM_NAME,
      StreamARN: STREAM_ARN,
      ShardToSplit: { ...SHARD_ID, required: true },
      NewStartingHashKey: { ...EXPLICIT_HASH_KEY, required: true },
    },
    handle(input, ctx) {
      const stream = findStream(store, input);
      if (stream.status !== 'ACTIVE') throw streamNotActive(stream.name, ctx.accountId, stream.status);
      const shard = stream.shards.find((s) => s.id === input.ShardToSplit);
      if (shard === undefined) throw shardNotFound(input.ShardToSplit, stream.name, ctx.accountId);
      if (!isOpen(shard)) throw invalidArgument(`Shard ${shard.id} in stream ${stream.name} under account ${ctx.accountId} has already been merged or split, and thus is not eligible for merging or splitting.`);
      const key = BigInt(input.NewStartingHashKey);
      const start = BigInt(`0x${shard.startHex}`);
      const end = BigInt(`0x${shard.endHex}`);
      if (key <= start || key > end) {
        throw invalidArgument(
          `NewStartingHashKey ${input.NewStartingHashKey} used in SplitShard() on shard ${shard.id} in stream ${stream.name} under account ${ctx.accountId} ` +
            `is not both greater than one plus the shard's StartingHashKey ${start} and less than the shard's EndingHashKey ${end}.`,
        );
      }
      assertShardQuota(store, 1, ctx);
      store.reshard(stream, (open) => {
        if (isOpen(shard)) splitAt(stream, shard, key, open);
      });
      return {};
    },
  };
}
