import type { Operation } from '../../core/types.js';
import { limitExceeded, streamNotActive } from '../errors.js';
import { openShards } from '../model.js';
import { assertShardQuota } from '../quotas.js';
import { STREAM_ARN, STREAM_NAME } from '../rules.js';
import type { StreamStore } from '../store.js';
import type { StreamRef } from '../streams.js';
import { findStream } from '../streams.js';

interface UpdateShardCountInput extends StreamRef {
  TargetShardCount: number;
  ScalingType: 'UNIFORM_SCALING';
}

const DAY_MS = 24 * 3600_000;

export function updateShardCount(store: StreamStore): Operation<UpdateShardCountInput, unknown> {
  return {
    validation: {
      StreamName: STREAM_NAME,
      StreamARN: STREAM_ARN,
      TargetShardCount: { type: 'integer', required: true, min: 1, max: 100000 },
      ScalingType: { type: 'string', required: true, enum: ['UNIFORM_SCALING'] },
    },
    handle(input, ctx) {
      const stream = findStream(store, input);
      if (stream.status !== 'ACTIVE') throw streamNotActive(stream.name, ctx.accountId, stream.status);
      const current = openShards(stream).length;
      const target = input.TargetShardCount;
      if (target > current * 2) {
        throw limitExceeded(
          `UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: ${current} Target shard count: ${target}`,
        );
      }
      if (target * 2 < current) {
        throw limitExceeded(
          `UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: ${current} Target shard count: ${target}`,
        );
      }
      if (target > store.options.maxShardsPerStream) {
        throw limitExceeded(
          `UpdateShardCount cannot scale up over the shard limit of ${store.options.maxShardsPerStream} for stream ${stream.name} under account ${ctx.accountId}. Target shard count: ${target}`,
        );
      }
      assertShardQuota(store, target - current, ctx);
      stream.shardCountUpdates = stream.shardCountUpdates.filter((t) => t > ctx.nowMs - DAY_MS);
      if (stream.shardCountUpdates.length >= store.options.updateShardCountPerDay) {
        throw limitExceeded(
          `Rate exceeded for stream ${stream.name} under account ${ctx.accountId}. UpdateShardCount can be called ` +
            `${store.options.updateShardCountPerDay} times per rolling 24-hour period.`,
        );
      }
      if (target !== current) store.updateShardCount(stream, target);
      return { StreamName: stream.name, StreamARN: stream.arn, CurrentShardCount: current, TargetShardCount: target };
    },
  };
}
