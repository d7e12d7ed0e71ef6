/**
 * DescribeLimits: the account's shard quota and how much of it open shards use, and the
 * on-demand stream count against its quota (AWS default: 50 on-demand streams). Without
 * an account quota (the fast profiles) the quota AWS would apply in the region is shown.
 */
import { defaultShardQuota } from '../../config.js';
import type { Operation } from '../../core/types.js';
import { openShardsInAccount } from '../quotas.js';
import type { StreamStore } from '../store.js';

const ON_DEMAND_STREAM_LIMIT = 50;

export function describeLimits(store: StreamStore): Operation<Record<string, never>, unknown> {
  return {
    validation: {},
    handle(_input, ctx) {
      return {
        ShardLimit: store.options.shardsPerAccount ?? defaultShardQuota(ctx.region),
        OpenShardCount: openShardsInAccount(store),
        OnDemandStreamCount: store.list().filter((s) => s.mode === 'ON_DEMAND' && s.status !== 'DELETING').length,
        OnDemandStreamCountLimit: ON_DEMAND_STREAM_LIMIT,
      };
    },
  };
}
