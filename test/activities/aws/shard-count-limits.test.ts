/**
 * UpdateShardCount's LimitExceededException: a per-stream limit (10 calls a day, 2× / ½)
 * is final, while a request rate ("Rate exceeded …") or too many concurrent operations
 * passes and is retried — a throttled call must not cost an action its rollback.
 */
import { describe, expect, it } from 'vitest';
import { AWS_FAILURE_TYPES, isDailyShardCountQuota, toShardCountFailure } from '../../../activities/aws/errors.js';

const limitError = (message: string) => Object.assign(new Error(message), { name: 'LimitExceededException', $fault: 'client' });

describe('toShardCountFailure', () => {
  it('makes the daily quota and the 2× rule final', () => {
    for (const message of [
      'UpdateShardCount cannot be performed on stream s because it has exceeded the limit of 10 scaling operations in a rolling 24-hour period.',
      // The wording the emulator uses (and the long-lived e2e injects): a "rate" that names the 24-hour quota.
      'Rate exceeded for stream s under account 000000000000. UpdateShardCount can be called 10 times per rolling 24-hour period.',
      'UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 1 Target shard count: 4',
    ]) {
      const failure = toShardCountFailure(limitError(message), 'resharding s');
      expect(failure.nonRetryable).toBe(true);
      expect(failure.type).toBe(AWS_FAILURE_TYPES.quotaExhausted);
    }
  });

  it('retries a request rate and too many concurrent operations', () => {
    for (const message of ['Rate exceeded for stream s under account 000000000000.', 'Too many concurrent operations on this account.']) {
      const failure = toShardCountFailure(limitError(message), 'resharding s');
      expect(failure.nonRetryable).toBe(false);
      expect(failure.type).toBe(AWS_FAILURE_TYPES.retryable);
    }
  });
});

describe('isDailyShardCountQuota: the one refusal SplitShard/MergeShards work around', () => {
  it('is the 24-hour quota, as AWS words it or as our failure carries it, and nothing else', () => {
    const daily = limitError('UpdateShardCount cannot be performed on stream s because it has exceeded the limit of 10 scaling operations in a rolling 24-hour period.');
    expect(isDailyShardCountQuota(daily)).toBe(true);
    expect(isDailyShardCountQuota(toShardCountFailure(daily, 'resharding s'))).toBe(true);
    for (const message of [
      'UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 1 Target shard count: 4',
      'This request would exceed the shard limit for the account 000000000000 in us-east-1.',
      'Rate exceeded for stream s under account 000000000000.',
    ]) {
      expect(isDailyShardCountQuota(limitError(message)), message).toBe(false);
      expect(isDailyShardCountQuota(toShardCountFailure(limitError(message), 'resharding s')), message).toBe(false);
    }
    expect(isDailyShardCountQuota(Object.assign(new Error('in a rolling 24-hour period'), { name: 'InvalidArgumentException' }))).toBe(false);
  });
});
