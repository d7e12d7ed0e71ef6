/**
 * Kinesis's CloudWatch metrics beyond the basics: the stream-level PutRecords.* family
 * (total, successful, throttled records per call) and shard-level metrics (dimensions
 * StreamName + ShardId) once EnableEnhancedMonitoring switches them on — and not before.
 */
import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  DescribeStreamSummaryCommand, DisableEnhancedMonitoringCommand, EnableEnhancedMonitoringCommand, PutRecordsCommand, type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowSlowEndpoints, createStream, openTarget, removeStream, waitUntil, type ConformanceTarget } from '../flink/target.js';

let target: ConformanceTarget;
let kinesis: KinesisClient;
let cloudwatch: CloudWatchClient;
let stream: string;
const started = Date.now();
const UPPER = String(2n ** 128n - 1n);

allowSlowEndpoints();

async function sum(metric: string, dimensions: Record<string, string>): Promise<number> {
  const out = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(started - 3600_000),
      EndTime: new Date(Date.now() + 60_000),
      MetricDataQueries: [
        {
          Id: 'm',
          MetricStat: {
            Metric: { Namespace: 'AWS/Kinesis', MetricName: metric, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) },
            Period: 60,
            Stat: 'Sum',
          },
        },
      ],
    }),
  );
  return (out.MetricDataResults?.[0]?.Values ?? []).reduce((a, b) => a + b, 0);
}

beforeAll(async () => {
  target = await openTarget({ kinesis: { limitsEnabled: true } });
  kinesis = target.kinesis({ maxAttempts: 1 });
  cloudwatch = target.cloudwatch();
  stream = target.name('monitoring');
  await createStream(kinesis, stream, 2);
});
afterAll(async () => {
  await removeStream(kinesis, stream);
  await target.close();
});

describe('PutRecords.* and shard-level metrics', () => {
  it('shard-level metrics appear only after EnableEnhancedMonitoring, per ShardId', async () => {
    const put = (n: number, hashKey: string) =>
      kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: Array.from({ length: n }, (_, i) => ({ PartitionKey: `k${i}`, ExplicitHashKey: hashKey, Data: Buffer.alloc(10, 1) })) }));
    await put(5, '0');
    const enabled = await kinesis.send(new EnableEnhancedMonitoringCommand({ StreamName: stream, ShardLevelMetrics: ['ALL'] }));
    expect(enabled.DesiredShardLevelMetrics).toEqual(expect.arrayContaining(['IncomingRecords', 'IncomingBytes', 'OutgoingRecords', 'IteratorAgeMilliseconds']));
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    expect(summary.StreamDescriptionSummary?.EnhancedMonitoring?.[0]?.ShardLevelMetrics).toEqual(expect.arrayContaining(['IncomingRecords']));
    await put(7, '0');
    await put(3, UPPER);
    await waitUntil(async () => (await sum('IncomingRecords', { StreamName: stream, ShardId: 'shardId-000000000000' })) === 7, 'shard 0 IncomingRecords = 7');
    expect(await sum('IncomingRecords', { StreamName: stream, ShardId: 'shardId-000000000001' })).toBe(3);
    expect(await sum('IncomingRecords', { StreamName: stream })).toBe(15);
    await kinesis.send(new DisableEnhancedMonitoringCommand({ StreamName: stream, ShardLevelMetrics: ['ALL'] }));
    await put(4, UPPER);
    await waitUntil(async () => (await sum('IncomingRecords', { StreamName: stream })) === 19, 'stream IncomingRecords = 19');
    expect(await sum('IncomingRecords', { StreamName: stream, ShardId: 'shardId-000000000001' })).toBe(3);
  });

  it('PutRecords.TotalRecords, SuccessfulRecords and ThrottledRecords account for every record of a throttled burst', async () => {
    const burst = await kinesis.send(
      new PutRecordsCommand({ StreamName: stream, Records: Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `b${i}`, ExplicitHashKey: '0', Data: Buffer.alloc(2500, 2) })) }),
    );
    const failed = burst.FailedRecordCount ?? 0;
    expect(failed).toBeGreaterThan(0); // 500 × 2.5 KB exceeds one shard's 1 MiB/s
    await waitUntil(async () => (await sum('PutRecords.ThrottledRecords', { StreamName: stream })) === failed, 'ThrottledRecords');
    const total = await sum('PutRecords.TotalRecords', { StreamName: stream });
    const successful = await sum('PutRecords.SuccessfulRecords', { StreamName: stream });
    expect(total - successful).toBe(failed);
    expect(await sum('PutRecords.FailedRecords', { StreamName: stream })).toBe(0);
  });
});
