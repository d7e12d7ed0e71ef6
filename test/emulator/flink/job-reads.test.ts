/**
 * The simulated Flink job reads its input as the Kinesis connector does: through
 * GetRecords calls that count against the shard's 5 reads/s (shared with any other
 * consumer, which then gets throttled) and show in `GetRecords.*`, so
 * `GetRecords.IteratorAgeMilliseconds` reflects the job. Metric names follow the runtime
 * (Flink 2.x: `numRestarts`, not `fullRestarts`), and at MetricsLevel PARALLELISM the
 * lag is published per shard.
 */
import { GetMetricDataCommand, ListMetricsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GetRecordsCommand, GetShardIteratorCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateApplicationCommand, StartApplicationCommand, type KinesisAnalyticsV2Client, type RuntimeEnvironment } from '@aws-sdk/client-kinesis-analytics-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nycTrip } from '../job/fakeStreams.js';
import {
  allowSlowEndpoints, applicationInput, createStream, openTarget, removeApplication, removeStream, waitForApplication, waitUntil, type ConformanceTarget,
} from './target.js';

let target: ConformanceTarget;
let kinesis: KinesisClient;
let cloudwatch: CloudWatchClient;
let flink: KinesisAnalyticsV2Client;
let stream: string;
const apps: string[] = [];
const started = Date.now();
const RECORDS = 400;

allowSlowEndpoints();

async function values(metric: string, namespace: string, dimensions: Record<string, string>, stat = 'Sum'): Promise<number[]> {
  const out = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(started - 3600_000),
      EndTime: new Date(Date.now() + 60_000),
      MetricDataQueries: [
        {
          Id: 'm',
          MetricStat: { Metric: { Namespace: namespace, MetricName: metric, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) }, Period: 60, Stat: stat },
        },
      ],
    }),
  );
  return out.MetricDataResults?.[0]?.Values ?? [];
}
const total = async (metric: string, dimensions: Record<string, string>) => (await values(metric, 'AWS/Kinesis', dimensions)).reduce((a, b) => a + b, 0);

async function startApp(label: string, runtime: RuntimeEnvironment, metricsLevel?: string): Promise<string> {
  const name = target.name(label);
  const input = applicationInput(name, 1);
  input.RuntimeEnvironment = runtime;
  const configuration = input.ApplicationConfiguration as NonNullable<typeof input.ApplicationConfiguration>;
  configuration.EnvironmentProperties = { PropertyGroups: [{ PropertyGroupId: 'FlinkApplicationProperties', PropertyMap: { InputStreamName: stream } }] };
  if (metricsLevel !== undefined) {
    (configuration.FlinkApplicationConfiguration as Record<string, unknown>).MonitoringConfiguration = { ConfigurationType: 'CUSTOM', MetricsLevel: metricsLevel, LogLevel: 'INFO' };
  }
  await flink.send(new CreateApplicationCommand(input));
  apps.push(name);
  await flink.send(new StartApplicationCommand({ ApplicationName: name, RunConfiguration: { FlinkRunConfiguration: { AllowNonRestoredState: true } } }));
  await waitForApplication(flink, name, 'RUNNING');
  return name;
}

beforeAll(async () => {
  target = await openTarget({ kinesis: { limitsEnabled: true } });
  kinesis = target.kinesis({ maxAttempts: 1 });
  cloudwatch = target.cloudwatch();
  flink = target.flink();
  stream = target.name('job-reads');
  await createStream(kinesis, stream, 1);
  await kinesis.send(
    new PutRecordsCommand({ StreamName: stream, Records: Array.from({ length: RECORDS }, (_, i) => ({ PartitionKey: `t${i}`, Data: Buffer.from(JSON.stringify(nycTrip(i, i % 50))) })) }),
  );
});
afterAll(async () => {
  for (const app of apps) await removeApplication(flink, app);
  await removeStream(kinesis, stream);
  await target.close();
});

describe('the job as a Kinesis consumer', () => {
  it('its reads appear in GetRecords.Records and GetRecords.IteratorAgeMilliseconds without any other reader', async () => {
    await startApp('reader', 'FLINK-1_20');
    await waitUntil(async () => (await total('GetRecords.Records', { StreamName: stream })) >= RECORDS, 'the job’s GetRecords.Records to cover the stream');
    expect(await total('GetRecords.Success', { StreamName: stream })).toBeGreaterThan(0);
    expect((await values('GetRecords.IteratorAgeMilliseconds', 'AWS/Kinesis', { StreamName: stream }, 'Maximum')).length).toBeGreaterThan(0);
  });

  it('shares the shard’s 5 reads per second: another consumer polling at once gets ReadProvisionedThroughputExceeded', async () => {
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' }));
    let iterator = ShardIterator as string;
    let throttled = 0;
    for (let i = 0; i < 20; i++) {
      try {
        iterator = (await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }))).NextShardIterator as string;
      } catch (err) {
        if ((err as Error).name !== 'ProvisionedThroughputExceededException') throw err;
        throttled += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    expect(throttled).toBeGreaterThan(0);
    await waitUntil(async () => (await total('ReadProvisionedThroughputExceeded', { StreamName: stream })) > 0, 'ReadProvisionedThroughputExceeded > 0');
  });
});

describe('metric names by runtime', () => {
  it('Flink 2.x publishes numRestarts and no fullRestarts, still uptime and downtime; at PARALLELISM level millisBehindLatest per shard', async () => {
    const app = await startApp('flink2', 'FLINK-2_2', 'PARALLELISM');
    const names = async () =>
      new Set(((await cloudwatch.send(new ListMetricsCommand({ Namespace: 'AWS/KinesisAnalytics', Dimensions: [{ Name: 'Application', Value: app }] }))).Metrics ?? []).map((m) => m.MetricName));
    await waitUntil(async () => (await names()).has('numRestarts'), 'numRestarts to be published');
    expect((await names()).has('fullRestarts')).toBe(false);
    // Deprecated in Flink 2.2 but still published.
    expect([...(await names())].filter((n) => n === 'uptime' || n === 'downtime').sort()).toEqual(['downtime', 'uptime']);
    const perShard = await cloudwatch.send(
      new ListMetricsCommand({ Namespace: 'AWS/KinesisAnalytics', MetricName: 'millisBehindLatest', Dimensions: [{ Name: 'Application', Value: app }, { Name: 'ShardId', Value: 'shardId-000000000000' }] }),
    );
    expect(perShard.Metrics?.length).toBeGreaterThan(0);
  });

  it('Flink 1.x keeps fullRestarts', async () => {
    const app = apps[0] as string;
    const listed = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'AWS/KinesisAnalytics', MetricName: 'fullRestarts', Dimensions: [{ Name: 'Application', Value: app }] }));
    expect(listed.Metrics?.length).toBe(1);
  });
});
