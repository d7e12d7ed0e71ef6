/**
 * Account quotas: open shards per account and region (CreateStream and UpdateShardCount
 * answer LimitExceededException with AWS's wording) and Managed Flink applications per
 * account; DescribeLimits reports the shard quota and its use. The quotas are lowered here so the test creates few resources; the defaults
 * are AWS's (emulator/README.md).
 */
import { CreateStreamCommand, DescribeLimitsCommand, DescribeStreamSummaryCommand, UpdateShardCountCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateApplicationCommand, type KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultShardQuota, resolveEmulatorOptions } from '../../../emulator/config.js';
import { flinkClient, kinesisClient } from '../../support/emulator.js';
import { startAwsProfileEmulator, type AwsProfileEmulator } from './support.js';

let emulator: AwsProfileEmulator;
let kinesis: KinesisClient;
let flink: KinesisAnalyticsV2Client;
const settle = () => new Promise((resolve) => setTimeout(resolve, 80));

beforeAll(async () => {
  emulator = await startAwsProfileEmulator({ kinesis: { shardsPerAccount: 6 }, flink: { maxApplications: 2 } });
  kinesis = kinesisClient(emulator, { maxAttempts: 1 });
  flink = flinkClient(emulator, { maxAttempts: 1 });
});
afterAll(async () => {
  kinesis.destroy();
  flink.destroy();
  await emulator.close();
});

describe('Account quotas under the aws profile', () => {
  it('defaults are AWS’s: 20,000 shards in us-east-1/us-west-2/eu-west-1, 1,000 elsewhere; 100 applications', () => {
    const aws = resolveEmulatorOptions('aws');
    expect(aws.kinesis.shardsPerAccount).toBe(20_000);
    expect(defaultShardQuota('eu-central-1')).toBe(1000);
    expect(aws.flink.maxApplications).toBe(100);
    expect(resolveEmulatorOptions('test').kinesis.shardsPerAccount).toBeNull();
  });

  it('CreateStream beyond the account’s shard quota fails with LimitExceededException and creates nothing', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'q-a', ShardCount: 4 }));
    const err = await kinesis.send(new CreateStreamCommand({ StreamName: 'q-b', ShardCount: 3 })).catch((e: Error) => e);
    expect((err as Error).name).toBe('LimitExceededException');
    expect((err as Error).message).toContain('This request would exceed the shard limit for the account 000000000000 in us-east-1. Current shard count for the account: 4. Limit: 6. Number of additional shards that would have resulted from this request: 3.');
    await kinesis.send(new CreateStreamCommand({ StreamName: 'q-b', ShardCount: 2 }));
  });

  it('UpdateShardCount that would open shards beyond the quota fails; the stream keeps its shards', async () => {
    await settle();
    const err = await kinesis.send(new UpdateShardCountCommand({ StreamName: 'q-b', TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' })).catch((e: Error) => e);
    expect((err as Error).name).toBe('LimitExceededException');
    expect((err as Error).message).toContain('Current shard count for the account: 6. Limit: 6.');
    // Scaling down needs no quota.
    await expect(kinesis.send(new UpdateShardCountCommand({ StreamName: 'q-a', TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }))).resolves.toBeDefined();
  });

  it('DescribeLimits reports the account’s shard quota and its open shards (one call a second)', async () => {
    while ((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'q-a' }))).StreamDescriptionSummary?.OpenShardCount !== 2) await settle();
    emulator.advance(1_000);
    const limits = await kinesis.send(new DescribeLimitsCommand({}));
    expect(limits).toMatchObject({ ShardLimit: 6, OpenShardCount: 4, OnDemandStreamCount: 0, OnDemandStreamCountLimit: 50 });
    const again = await kinesis.send(new DescribeLimitsCommand({})).catch((e: Error) => e);
    expect((again as Error).name).toBe('LimitExceededException');
  });

  it('a third application beyond a quota of two fails with LimitExceededException', async () => {
    const input = (name: string) =>
      new CreateApplicationCommand({ ApplicationName: name, RuntimeEnvironment: 'FLINK-1_20', ServiceExecutionRole: 'arn:aws:iam::000000000000:role/r' });
    await flink.send(input('app-1'));
    await flink.send(input('app-2'));
    const err = await flink.send(input('app-3')).catch((e: Error) => e);
    expect((err as Error).name).toBe('LimitExceededException');
    expect((err as Error).message).toContain('has reached the limit of 2');
  });
});
