/**
 * Per-API rates under the `aws` profile, each at the number AWS documents
 * (emulator/README.md), answered with the exception the service returns: Kinesis
 * `LimitExceededException`, Managed Flink `ThrottlingException`, CloudWatch `Throttling`.
 * The clock stands still within a burst, so every call of a burst falls in one second.
 */
import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  CreateStreamCommand, DescribeStreamCommand, DescribeStreamSummaryCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { DescribeApplicationCommand, type KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_API_RATES } from '../../../emulator/core/apiRates.js';
import { cloudWatchClient, flinkClient, kinesisClient } from '../../support/emulator.js';
import { startAwsProfileEmulator, type AwsProfileEmulator } from './support.js';

let emulator: AwsProfileEmulator;
let kinesis: KinesisClient;
let flink: KinesisAnalyticsV2Client;
let cloudwatch: CloudWatchClient;

/** Sends `n` calls at once and sorts outcomes into successes and error names/messages. */
async function burst(n: number, call: (i: number) => Promise<unknown>): Promise<{ ok: number; errors: { name: string; message: string }[] }> {
  const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => call(i)));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [{ name: (r.reason as Error).name, message: (r.reason as Error).message }] : []));
  return { ok: n - errors.length, errors };
}

beforeAll(async () => {
  emulator = await startAwsProfileEmulator();
  kinesis = kinesisClient(emulator, { maxAttempts: 1 });
  flink = flinkClient(emulator, { maxAttempts: 1 });
  cloudwatch = cloudWatchClient(emulator, { maxAttempts: 1 });
  await kinesis.send(new CreateStreamCommand({ StreamName: 'rates-a', ShardCount: 2 }));
  await kinesis.send(new CreateStreamCommand({ StreamName: 'rates-b', ShardCount: 1 }));
  await new Promise((resolve) => setTimeout(resolve, 60));
});
afterAll(async () => {
  for (const c of [kinesis, flink, cloudwatch]) c.destroy();
  await emulator.close();
});

/** Each test starts in a fresh second; within it the clock is stopped. */
function freshSecond(): void {
  emulator.advance(2000);
}

describe('Kinesis control-plane rates (LimitExceededException)', () => {
  it('DescribeStreamSummary: 20 per second per account, then LimitExceededException; the next second admits again', async () => {
    freshSecond();
    const r = await burst(21, (i) => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: i % 2 === 0 ? 'rates-a' : 'rates-b' })));
    expect(r.ok).toBe(20);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.name).toBe('LimitExceededException');
    expect(r.errors[0]?.message).toMatch(/^Rate exceeded for stream rates-[ab] under account 000000000000\.$/);
    emulator.advance(1000);
    await expect(kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'rates-a' }))).resolves.toBeDefined();
  });

  it('DescribeStream: 10 per second per account', async () => {
    freshSecond();
    const r = await burst(12, () => kinesis.send(new DescribeStreamCommand({ StreamName: 'rates-a' })));
    expect(r.ok).toBe(10);
    expect(r.errors.map((e) => e.name)).toEqual(['LimitExceededException', 'LimitExceededException']);
  });

  it('CreateStream: 5 per second per account', async () => {
    freshSecond();
    const r = await burst(6, (i) => kinesis.send(new CreateStreamCommand({ StreamName: `burst-${i}`, ShardCount: 1 })));
    expect(r.ok).toBe(5);
    expect(r.errors.map((e) => e.name)).toEqual(['LimitExceededException']);
  });

  it('ListShards is counted per stream (AWS: 1,000 per second; here lowered to 3 so the burst stays small)', async () => {
    const table = { ...AWS_API_RATES, Kinesis_20131202: { ...AWS_API_RATES.Kinesis_20131202, ListShards: { perSecond: 3, scope: 'stream' as const } } };
    expect(AWS_API_RATES.Kinesis_20131202?.ListShards).toEqual({ perSecond: 1000, scope: 'stream' });
    const low = await startAwsProfileEmulator({ apiRates: { table } });
    const client = kinesisClient(low, { maxAttempts: 1 });
    try {
      await client.send(new CreateStreamCommand({ StreamName: 'ls-a', ShardCount: 1 }));
      await client.send(new CreateStreamCommand({ StreamName: 'ls-b', ShardCount: 1 }));
      await new Promise((resolve) => setTimeout(resolve, 60));
      const r = await burst(4, () => client.send(new ListShardsCommand({ StreamName: 'ls-a' })));
      expect(r.ok).toBe(3);
      expect(r.errors.map((e) => e.name)).toEqual(['LimitExceededException']);
      await expect(client.send(new ListShardsCommand({ StreamName: 'ls-b' }))).resolves.toBeDefined();
    } finally {
      client.destroy();
      await low.close();
    }
  });

  it('GetShardIterator: 5 per second per shard', async () => {
    freshSecond();
    const call = (shard: string) => kinesis.send(new GetShardIteratorCommand({ StreamName: 'rates-a', ShardId: shard, ShardIteratorType: 'LATEST' }));
    const r = await burst(6, () => call('shardId-000000000000'));
    expect(r.ok).toBe(5);
    await expect(call('shardId-000000000001')).resolves.toBeDefined();
  });
});

describe('CloudWatch and Managed Flink rates', () => {
  it('GetMetricData: 50 per second per account, then the query error Throttling', async () => {
    freshSecond();
    const now = emulator.nowMs();
    const r = await burst(51, () =>
      cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(now - 600_000),
          EndTime: new Date(now),
          MetricDataQueries: [{ Id: 'm', MetricStat: { Metric: { Namespace: 'AWS/Kinesis', MetricName: 'IncomingRecords' }, Period: 60, Stat: 'Sum' } }],
        }),
      ),
    );
    expect(r.ok).toBe(50);
    expect(r.errors).toEqual([{ name: 'Throttling', message: 'Rate exceeded' }]);
  });

  it('DescribeApplication: 20 per second per account, then ThrottlingException', async () => {
    freshSecond();
    const r = await burst(21, () => flink.send(new DescribeApplicationCommand({ ApplicationName: 'absent' })));
    // Admitted calls fail as ResourceNotFoundException: the rate is checked before the operation runs.
    expect(r.errors.filter((e) => e.name === 'ResourceNotFoundException')).toHaveLength(20);
    expect(r.errors.filter((e) => e.name === 'ThrottlingException')).toHaveLength(1);
  });
});
