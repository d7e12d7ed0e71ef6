/**
 * The account's shard quota (per region on AWS; one emulator serves one account). Every
 * request that would open shards — CreateStream, UpdateShardCount, SplitShard — is
 * checked against it with AWS's LimitExceededException wording.
 */
import type { RequestContext } from '../core/types.js';
import { limitExceeded } from './errors.js';
import { openShards } from './model.js';
import type { StreamStore } from './store.js';

export function openShardsInAccount(store: StreamStore): number {
  return store.list().reduce((sum, s) => sum + (s.status === 'DELETING' ? 0 : openShards(s).length), 0);
}

export function assertShardQuota(store: StreamStore, additional: number, ctx: RequestContext): void {
  const quota = store.options.shardsPerAccount;
  if (quota === null || additional <= 0) return;
  const current = openShardsInAccount(store);
  if (current + additional > quota) {
    throw limitExceeded(
      `This request would exceed the shard limit for the account ${ctx.accountId} in ${ctx.region}. ` +
        `Current shard count for the account: ${current}. Limit: ${quota}. ` +
        `Number of additional shards that would have resulted from this request: ${additional}. ` +
        'Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.',
    );
  }
}
