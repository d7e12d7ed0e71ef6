import type { Operation } from '../../core/types.js';
import { STREAM_ARN, STREAM_NAME, SHARD_ID } from '../rules.js';
import type { StreamStore } from '../store.js';
import type { StreamRef } from '../streams.js';
import { findStream } from '../streams.js';
import { toStreamSummary, toWireShard } from '../wire.js';

interface DescribeStreamInput extends StreamRef {
  Limit?: number;
  ExclusiveStartShardId?: string;
}

export function describeStream(store: StreamStore): Operation<DescribeStreamInput, unknown> {
  return {
    validation: {
      StreamName: STREAM_NAME,
      StreamARN: STREAM_ARN,
      Limit: { type: 'integer', min: 1, max: 10000 },
      ExclusiveStartShardId: SHARD_ID,
    },
    handle(input) {
      const stream = findStream(store, input);
      const limit = Math.min(input.Limit ?? 100, 100);
      const after = input.ExclusiveStartShardId;
      const remaining = after === undefined ? stream.shards : stream.shards.filter((s) => s.id > after);
      return {
        StreamDescription: {
          ...toStreamSummary(stream),
          Shards: remaining.slice(0, limit).map(toWireShard),
          HasMoreShards: remaining.length > limit,
          RetentionPeriodHours: stream.retentionHours,
          EnhancedMonitoring: [{ ShardLevelMetrics: [...stream.shardLevelMetrics] }],
          EncryptionType: 'NONE',
        },
      };
    },
  };
}
