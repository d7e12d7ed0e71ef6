import type { Operation } from '../../core/types.js';
import { invalidArgument, limitExceeded } from '../errors.js';
import { assertShardQuota } from '../quotas.js';
import { STREAM_NAME } from '../rules.js';
import type { StreamStore } from '../store.js';
import type { StreamMode } from '../model.js';

interface CreateStreamInput {
  StreamName: string;
  ShardCount?: number;
  StreamModeDetails?: { StreamMode?: StreamMode };
  Tags?: Record<string, string>;
}

/** AWS's default shard count of an on-demand stream. */
const ON_DEMAND_SHARDS = 4;

export function createStream(store: StreamStore): Operation<CreateStreamInput, Record<string, never>> {
  return {
    validation: {
      StreamName: { ...STREAM_NAME, required: true },
      ShardCount: { type: 'integer', min: 1, max: 100000 },
      StreamModeDetails: { type: 'object' },
      Tags: { type: 'object' },
    },
    handle(input, ctx) {
      const mode = input.StreamModeDetails?.StreamMode ?? 'PROVISIONED';
      if (mode !== 'PROVISIONED' && mode !== 'ON_DEMAND') {
        throw invalidArgument(`StreamMode ${String(mode)} is not supported. Use PROVISIONED or ON_DEMAND.`);
      }
      if (mode === 'PROVISIONED' && input.ShardCount === undefined) {
        throw invalidArgument('ShardCount is required for PROVISIONED streams.');
      }
      const shardCount = mode === 'ON_DEMAND' ? ON_DEMAND_SHARDS : (input.ShardCount as number);
      if (shardCount > store.options.maxShardsPerStream) {
        throw limitExceeded(
          `This request would exceed the shard limit for the account ${ctx.accountId} in ${ctx.region}. ` +
            `Current shard count for the account: 0. Limit: ${store.options.maxShardsPerStream}. ` +
            `Number of additional shards that would have resulted from this request: ${shardCount}.`,
        );
      }
      if (store.find(input.StreamName) === undefined) assertShardQuota(store, shardCount, ctx);
      store.create(input.StreamName, ctx.region, shardCount, mode, input.Tags ?? {});
      return {};
    },
  };
}
