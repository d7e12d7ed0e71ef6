/**
 * CloudWatch under the `aws` profile: `AWS/` metrics have standard resolution (a
 * shorter period returns one datapoint per minute, the minute's statistic), are readable
 * only a publication delay after their minute closes (the open minute never), while
 * custom namespaces stay high-resolution and immediate.
 */
import { GetMetricDataCommand, GetMetricStatisticsCommand, PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateStreamCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudWatchClient, kinesisClient } from '../../support/emulator.js';
import { startAwsProfileEmulator, type AwsProfileEmulator } from './support.js';

let emulator: AwsProfileEmulator;
let kinesis: KinesisClient;
let cloudwatch: CloudWatchClient;
const MINUTE = Date.UTC(2026, 0, 1, 12, 0, 0) / 1000;
const STREAM = 'timing';

async function incoming(period: number): Promise<{ t: number[]; v: number[] }> {
  const out = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date((MINUTE - 600) * 1000),
      EndTime: new Date((MINUTE + 600) * 1000),
      MetricDataQueries: [
        { Id: 'm', MetricStat: { Metric: { Namespace: 'AWS/Kinesis', MetricName: 'IncomingRecords', Dimensions: [{ Name: 'StreamName', Value: STREAM }] }, Period: period, Stat: 'Sum' } },
      ],
    }),
  );
  const r = out.MetricDataResults?.[0];
  return { t: (r?.Timestamps ?? []).map((d) => d.getTime() / 1000), v: r?.Values ?? [] };
}

beforeAll(async () => {
  emulator = await startAwsProfileEmulator();
  kinesis = kinesisClient(emulator);
  cloudwatch = cloudWatchClient(emulator);
  await kinesis.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  // 40 records at about 12:00:10, then 2 more 20 s later: all in the minute 12:00.
  await kinesis.send(new PutRecordsCommand({ StreamName: STREAM, Records: Array.from({ length: 40 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from('x') })) }));
  emulator.advance(20_000);
  await kinesis.send(new PutRecordsCommand({ StreamName: STREAM, Records: Array.from({ length: 2 }, (_, i) => ({ PartitionKey: `j${i}`, Data: Buffer.from('y') })) }));
});
afterAll(async () => {
  kinesis.destroy();
  cloudwatch.destroy();
  await emulator.close();
});

describe('AWS/ metrics under the aws profile', () => {
  it('the open minute is not readable, nor a closed one before the publication delay has passed', async () => {
    expect(await incoming(60)).toEqual({ t: [], v: [] });
    emulator.advance(40_000); // 12:01:10: the minute closed 10 s ago, the delay is 60 s
    expect(await incoming(60)).toEqual({ t: [], v: [] });
  });

  it('after the delay the minute is readable once, at its start, with every record of the minute', async () => {
    emulator.advance(61_000); // 12:02:11
    expect(await incoming(60)).toEqual({ t: [MINUTE], v: [42] });
  });

  it('a 10-second period returns one datapoint per minute, the whole minute’s Sum (standard resolution)', async () => {
    expect(await incoming(10)).toEqual({ t: [MINUTE], v: [42] });
    expect(await incoming(1)).toEqual({ t: [MINUTE], v: [42] });
  });

  it('GetMetricStatistics follows the same resolution and delay', async () => {
    const stats = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/Kinesis',
        MetricName: 'IncomingRecords',
        Dimensions: [{ Name: 'StreamName', Value: STREAM }],
        StartTime: new Date((MINUTE - 600) * 1000),
        EndTime: new Date((MINUTE + 600) * 1000),
        Period: 5,
        Statistics: ['Sum'],
      }),
    );
    expect((stats.Datapoints ?? []).map((d) => [(d.Timestamp as Date).getTime() / 1000, d.Sum])).toEqual([[MINUTE, 42]]);
  });

  it('custom namespaces keep 1-second resolution and are readable at once', async () => {
    const at = new Date(emulator.nowMs());
    await cloudwatch.send(new PutMetricDataCommand({ Namespace: 'Shardpilot/Test', MetricData: [{ MetricName: 'x', Value: 3, Timestamp: at, StorageResolution: 1 }] }));
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(at.getTime() - 5000),
        EndTime: new Date(at.getTime() + 5000),
        MetricDataQueries: [{ Id: 'c', MetricStat: { Metric: { Namespace: 'Shardpilot/Test', MetricName: 'x' }, Period: 1, Stat: 'Sum' } }],
      }),
    );
    expect(out.MetricDataResults?.[0]?.Values).toEqual([3]);
    expect(out.MetricDataResults?.[0]?.Timestamps?.[0]?.getTime()).toBe(Math.floor(at.getTime() / 1000) * 1000);
  });
});
