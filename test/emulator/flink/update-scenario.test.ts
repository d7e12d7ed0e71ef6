import { GetMetricDataCommand, type CloudWatchClient, type Dimension } from '@aws-sdk/client-cloudwatch';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import {
  ConcurrentModificationException, CreateApplicationCommand, StartApplicationCommand, UpdateApplicationCommand,
  type KinesisAnalyticsV2Client,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allowSlowEndpoints, admin, applicationInput, createStream, openTarget, removeApplication, removeStream, waitForApplication, waitUntil, whenEmulator,
  type ConformanceTarget,
} from './target.js';

allowSlowEndpoints();

let target: ConformanceTarget;
let flink: KinesisAnalyticsV2Client;
let cloudwatch: CloudWatchClient;
let kinesis: KinesisClient;
let stream: string;
let application: string;

const RECORDS = 3000;

function tripRecord(i: number): { Data: Buffer; PartitionKey: string } {
  const dropoff = Date.UTC(2024, 2, 1, 8, 0, 0) + i * 1000;
  const trip = {
    trip_id: `t${i}`,
    pickup_datetime: new Date(dropoff - 15 * 60_000).toISOString(),
    dropoff_datetime: new Date(dropoff).toISOString(),
    pickup_latitude: 40.75 + (i % 10) * 0.001,
    pickup_longitude: -73.98,
    dropoff_latitude: 40.64,
    dropoff_longitude: -73.78,
    passenger_count: 1,
    trip_distance: 12.5,
    total_amount: 52.3,
  };
  return { Data: Buffer.from(JSON.stringify(trip)), PartitionKey: `cab-${i % 97}` };
}

/** The newest datapoint per second of one AWS/KinesisAnalytics series over the last `seconds`. */
async function series(metricName: string, stat: string, dimensions: Dimension[], seconds = 30): Promise<{ t: number; v: number }[]> {
  const now = Date.now();
  const out = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(now - seconds * 1000),
      EndTime: new Date(now + 1000),
      MetricDataQueries: [{ Id: 'm', MetricStat: { Metric: { Namespace: 'AWS/KinesisAnalytics', MetricName: metricName, Dimensions: dimensions }, Period: 1, Stat: stat } }],
    }),
  );
  const r = out.MetricDataResults?.[0];
  return (r?.Timestamps ?? []).map((t, i) => ({ t: t.getTime(), v: r?.Values?.[i] as number }));
}

const appDims = (): Dimension[] => [{ Name: 'Application', Value: application }];
const lagDims = (): Dimension[] => [...appDims(), { Name: 'Flow', Value: 'Input' }, { Name: 'Id', Value: stream.replace(/[^a-zA-Z0-9_]/g, '_') }];

beforeAll(async () => {
  target = await openTarget({ flink: { startApplicationMs: 200, updateApplicationMs: 1500, jobTickMs: 100 } });
  flink = target.flink({ maxAttempts: 1 });
  cloudwatch = target.cloudwatch();
  kinesis = target.kinesis();
  stream = target.name('taxi');
  application = target.name('taxi-job');
  await createStream(kinesis, stream, 4);
  const input = applicationInput(application, 2);
  input.ApplicationConfiguration = {
    ...input.ApplicationConfiguration,
    EnvironmentProperties: {
      PropertyGroups: [
        { PropertyGroupId: 'FlinkApplicationProperties', PropertyMap: { InputStreamName: stream } },
        // Emulator knob: a slow job, so the backlog and its recovery are visible in seconds.
        { PropertyGroupId: 'shardpilot.emulator', PropertyMap: { RecordsPerSecondPerSubtask: '400' } },
      ],
    },
  };
  await flink.send(new CreateApplicationCommand(input));
  await flink.send(new StartApplicationCommand({ ApplicationName: application }));
  await waitForApplication(flink, application, 'RUNNING');
});
afterAll(async () => {
  await removeApplication(flink, application).catch(() => undefined);
  await removeStream(kinesis, stream);
  await target.close();
});

describe('an application updated from parallelism 2 to 4', () => {
  it('goes UPDATING then RUNNING with CurrentParallelism 4, shows downtime only during the update, and its lag recovers', async () => {
    for (let batch = 0; batch < RECORDS / 500; batch++) {
      const records = Array.from({ length: 500 }, (_, i) => tripRecord(batch * 500 + i));
      const out = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: records }));
      expect(out.FailedRecordCount ?? 0).toBe(0);
    }
    await waitUntil(async () => (await series('millisBehindLatest', 'Maximum', lagDims(), 5)).some((p) => p.v > 0), 'a backlog');

    const update = await flink.send(
      new UpdateApplicationCommand({
        ApplicationName: application,
        CurrentApplicationVersionId: 1,
        ApplicationConfigurationUpdate: {
          FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: { ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: 4 } },
        },
      }),
    );
    expect(update.ApplicationDetail?.ApplicationStatus).toBe('UPDATING');
    expect(update.ApplicationDetail?.ApplicationVersionId).toBe(2);

    await waitUntil(async () => (await series('downtime', 'Maximum', appDims(), 5)).some((p) => p.v > 0), 'downtime during the update');
    await expect(
      flink.send(new UpdateApplicationCommand({ ApplicationName: application, CurrentApplicationVersionId: 1 })),
    ).rejects.toBeInstanceOf(ConcurrentModificationException);

    const running = await waitForApplication(flink, application, 'RUNNING');
    const parallelism = running.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription;
    expect(parallelism?.CurrentParallelism).toBe(4);
    expect(parallelism?.Parallelism).toBe(4);

    await waitUntil(async () => (await series('downtime', 'Maximum', appDims(), 2))[0]?.v === 0, 'downtime back to 0');
    const kpus = await series('KPUs', 'Maximum', appDims(), 2);
    expect(kpus[0]?.v).toBe(5);
    const lagBefore = Math.max(...(await series('millisBehindLatest', 'Maximum', lagDims(), 30)).map((p) => p.v));
    expect(lagBefore).toBeGreaterThan(0);
    await waitUntil(async () => (await series('millisBehindLatest', 'Maximum', lagDims(), 2))[0]?.v === 0, 'the lag to recover');
    const appLevelLag = await series('millisBehindLatest', 'Maximum', appDims(), 2);
    expect(appLevelLag[0]?.v).toBe(0);

    await whenEmulator(target, async (emulator) => {
      // Restarted from the update's snapshot: every record counted once, none lost.
      await waitUntil(async () => {
        const results = await admin(emulator, 'GET', `flink/results/${application}`);
        return (results.counters as { recordsIn: number }).recordsIn === RECORDS;
      }, 'all records processed exactly once');
      const results = await admin(emulator, 'GET', `flink/results/${application}`);
      expect(results.counters).toMatchObject({ recordsIn: RECORDS, malformed: 0, outsideNewYork: 0 });
    });
  });
});
