/**
 * An emulated pipeline (stream + running Flink application) for the scaling
 * activity and end-to-end tests, built with the same SDK clients production uses.
 */
import { CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import {
  CreateApplicationCommand, DescribeApplicationCommand, StartApplicationCommand, type KinesisAnalyticsV2Client,
} from '@aws-sdk/client-kinesis-analytics-v2';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EmulatorOverrides } from '../../../emulator/config.js';
import { cloudWatchClient, flinkClient, kinesisClient, startTestEmulator, type TestEmulator } from '../../support/emulator.js';

export interface EmulatedCloud {
  emulator: TestEmulator;
  kinesis: KinesisClient;
  flink: KinesisAnalyticsV2Client;
  cloudwatch: CloudWatchClient;
  close(): Promise<void>;
}

export async function startEmulatedCloud(overrides: EmulatorOverrides = {}): Promise<EmulatedCloud> {
  const emulator = await startTestEmulator(overrides);
  const kinesis = kinesisClient(emulator);
  const flink = flinkClient(emulator);
  const cloudwatch = cloudWatchClient(emulator);
  return {
    emulator, kinesis, flink, cloudwatch,
    async close() {
      kinesis.destroy();
      flink.destroy();
      cloudwatch.destroy();
      await emulator.stop();
    },
  };
}

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last ${JSON.stringify(value)}`);
    await pause(50);
  }
}

/** Creates the stream and a RUNNING application reading it, as provisioning would. */
export async function createPipeline(
  cloud: EmulatedCloud, names: { streamName: string; applicationName: string }, shards: number, parallelism: number,
  recordsPerSecondPerSubtask = 4400,
): Promise<void> {
  await cloud.kinesis.send(new CreateStreamCommand({ StreamName: names.streamName, ShardCount: shards }));
  await until(
    async () => (await cloud.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: names.streamName }))).StreamDescriptionSummary?.StreamStatus,
    (s) => s === 'ACTIVE', `${names.streamName} ACTIVE`,
  );
  await cloud.flink.send(new CreateApplicationCommand({
    ApplicationName: names.applicationName,
    RuntimeEnvironment: 'FLINK-1_20',
    ServiceExecutionRole: 'arn:aws:iam::000000000000:role/shardpilot-flink',
    ApplicationConfiguration: {
      ApplicationCodeConfiguration: {
        CodeContentType: 'ZIPFILE',
        CodeContent: { S3ContentLocation: { BucketARN: 'arn:aws:s3:::shardpilot-artifacts', FileKey: 'taxi-hotspots-1.0.jar' } },
      },
      FlinkApplicationConfiguration: {
        ParallelismConfiguration: { ConfigurationType: 'CUSTOM', Parallelism: parallelism, ParallelismPerKPU: 1, AutoScalingEnabled: false },
      },
      EnvironmentProperties: {
        PropertyGroups: [
          { PropertyGroupId: 'FlinkApplicationProperties', PropertyMap: { InputStreamName: names.streamName } },
          { PropertyGroupId: 'shardpilot.emulator', PropertyMap: { RecordsPerSecondPerSubtask: String(recordsPerSecondPerSubtask) } },
        ],
      },
      ApplicationSnapshotConfiguration: { SnapshotsEnabled: true },
    },
  }));
  await cloud.flink.send(new StartApplicationCommand({ ApplicationName: names.applicationName }));
  await until(
    async () => (await cloud.flink.send(new DescribeApplicationCommand({ ApplicationName: names.applicationName }))).ApplicationDetail?.ApplicationStatus,
    (s) => s === 'RUNNING', `${names.applicationName} RUNNING`,
  );
}

function trip(i: number): { Data: Buffer; PartitionKey: string } {
  const dropoff = Date.UTC(2024, 2, 1, 8, 0, 0) + i * 1000;
  return {
    PartitionKey: `cab-${i % 97}`,
    Data: Buffer.from(JSON.stringify({
      trip_id: `t${i}`,
      pickup_datetime: new Date(dropoff - 15 * 60_000).toISOString(),
      dropoff_datetime: new Date(dropoff).toISOString(),
      pickup_latitude: 40.75, pickup_longitude: -73.98, dropoff_latitude: 40.64, dropoff_longitude: -73.78,
      passenger_count: 1, trip_distance: 12.5, total_amount: 52.3,
    })),
  };
}

/** Writes `count` trip records in PutRecords batches of up to 500; returns how many were accepted. */
export async function putTrips(kinesis: KinesisClient, streamName: string, count: number, offset = 0): Promise<number> {
  let accepted = 0;
  for (let start = 0; start < count; start += 500) {
    const records = Array.from({ length: Math.min(500, count - start) }, (_, i) => trip(offset + start + i));
    const out = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: records }));
    accepted += records.length - (out.FailedRecordCount ?? 0);
  }
  return accepted;
}

/** Keeps writing about `perSecond` records a second in small, even batches until stopped (a steady producer). */
export function steadyLoad(kinesis: KinesisClient, streamName: string, perSecond: () => number): { stop(): Promise<void> } {
  const TICK_MS = 200;
  let running = true;
  let offset = 0;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      const n = Math.round((perSecond() * TICK_MS) / 1000);
      if (n > 0) await putTrips(kinesis, streamName, n, offset).catch(() => 0);
      offset += n;
      await pause(Math.max(0, TICK_MS - (Date.now() - started)));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}
