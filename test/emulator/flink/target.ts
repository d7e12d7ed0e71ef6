/**
 * Where the Managed Flink and CloudWatch conformance suites run. By default: a fresh
 * emulator per test file. With CONFORMANCE_ENDPOINT set, the same assertions run
 * elsewhere with the default credential chain: an `*.amazonaws.com` URL (or `aws`)
 * means real AWS, each client on its own regional endpoint; any other URL is one
 * endpoint serving all three services. CONFORMANCE_FLINK_ENDPOINT,
 * CONFORMANCE_CLOUDWATCH_ENDPOINT and CONFORMANCE_KINESIS_ENDPOINT override per
 * service. Checks that need the emulator (admin API, tuned delays, job results) run
 * only through `whenEmulator`.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateStreamCommand, DeleteStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import {
  DeleteApplicationCommand, DescribeApplicationCommand, KinesisAnalyticsV2Client, StopApplicationCommand,
  type ApplicationDetail, type CreateApplicationCommandInput,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { vi } from 'vitest';
import type { EmulatorOverrides } from '../../../emulator/config.js';
import { cloudWatchClient, flinkClient, kinesisClient, startTestEmulator } from '../../support/emulator.js';
import type { ClientOptions, TestEmulator } from '../../support/emulator.js';

/** Test-harness settings, not application configuration: read here, never by the app. */
const endpoint = process.env.CONFORMANCE_ENDPOINT;
const region = process.env.CONFORMANCE_REGION ?? process.env.AWS_REGION ?? 'us-east-1';
export const runsAgainstEmulator = endpoint === undefined || endpoint === '';
/** Real AWS needs an execution role the account actually has. */
export const SERVICE_ROLE = process.env.CONFORMANCE_FLINK_ROLE ?? 'arn:aws:iam::000000000000:role/shardpilot-conformance';
export const CODE_BUCKET = process.env.CONFORMANCE_CODE_BUCKET_ARN ?? 'arn:aws:s3:::shardpilot-conformance';
export const CODE_KEY = process.env.CONFORMANCE_CODE_KEY ?? 'taxi-job.jar';

/** Real AWS takes minutes per transition: give tests and hooks room when not on the emulator. */
export function allowSlowEndpoints(): void {
  if (!runsAgainstEmulator) vi.setConfig({ testTimeout: 1_800_000, hookTimeout: 3_600_000 });
}

export interface ConformanceTarget {
  emulator: TestEmulator | null;
  flink(options?: ClientOptions): KinesisAnalyticsV2Client;
  cloudwatch(options?: ClientOptions): CloudWatchClient;
  kinesis(options?: ClientOptions): KinesisClient;
  /** A resource name unique to this run. */
  name(label: string): string;
  /** Stops and deletes what this run created (real endpoints), stops the emulator. */
  close(): Promise<void>;
}

export async function openTarget(overrides: EmulatorOverrides = {}): Promise<ConformanceTarget> {
  const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const clients: { destroy(): void }[] = [];
  const track = <C extends { destroy(): void }>(c: C): C => {
    clients.push(c);
    return c;
  };
  const name = (label: string) => `conf-${label}-${runId}`;
  if (!runsAgainstEmulator) {
    const realAws = endpoint === 'aws' || /\.amazonaws\.com(\.cn)?(\/|$)/.test(endpoint as string);
    const at = (specific: string | undefined) => {
      const url = specific ?? (realAws ? undefined : endpoint);
      return url === undefined ? { region } : { endpoint: url, region };
    };
    const retries = (o: ClientOptions) => (o.maxAttempts ? { maxAttempts: o.maxAttempts } : {});
    return {
      emulator: null,
      flink: (o = {}) => track(new KinesisAnalyticsV2Client({ ...at(process.env.CONFORMANCE_FLINK_ENDPOINT), ...retries(o) })),
      cloudwatch: (o = {}) => track(new CloudWatchClient({ ...at(process.env.CONFORMANCE_CLOUDWATCH_ENDPOINT), ...retries(o) })),
      kinesis: (o = {}) => track(new KinesisClient({ ...at(process.env.CONFORMANCE_KINESIS_ENDPOINT), ...retries(o) })),
      name,
      async close() {
        for (const c of clients) c.destroy();
      },
    };
  }
  const emulator = await startTestEmulator(overrides);
  return {
    emulator,
    flink: (o = {}) => track(flinkClient(emulator, o)),
    cloudwatch: (o = {}) => track(cloudWatchClient(emulator, o)),
    kinesis: (o = {}) => track(kinesisClient(emulator, o)),
    name,
    async close() {
      for (const c of clients) c.destroy();
      await emulator.stop();
    },
  };
}

/** Runs an emulator-only check; a no-op, by design, against real endpoints. */
export async function whenEmulator(target: ConformanceTarget, check: (emulator: TestEmulator) => Promise<void> | void): Promise<void> {
  if (target.emulator !== null) await check(target.emulator);
}

/** GET/POST an emulator admin route (`/_emulator/<path>`). */
export async function admin(emulator: TestEmulator, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.url}/_emulator/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function describeApp(flink: KinesisAnalyticsV2Client, application: string): Promise<ApplicationDetail> {
  return (await flink.send(new DescribeApplicationCommand({ ApplicationName: application }))).ApplicationDetail as ApplicationDetail;
}

/** Polls until the application reaches `status` (AWS takes minutes; the emulator milliseconds). */
export async function waitForApplication(flink: KinesisAnalyticsV2Client, application: string, status: string, timeoutMs = 600_000): Promise<ApplicationDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const detail = await describeApp(flink, application);
    if (detail.ApplicationStatus === status) return detail;
    if (Date.now() > deadline) throw new Error(`${application} stayed ${detail.ApplicationStatus}, expected ${status}`);
    await pause(runsAgainstEmulator ? 20 : 5000);
  }
}

export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = runsAgainstEmulator ? 15_000 : 900_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await pause(runsAgainstEmulator ? 50 : 10_000);
  }
}

export async function createStream(kinesis: KinesisClient, stream: string, shards: number): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shards }));
  await waitUntil(
    async () => (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }))).StreamDescriptionSummary?.StreamStatus === 'ACTIVE',
    `stream ${stream} ACTIVE`,
  );
}

/** Best-effort cleanup for real accounts (the emulator is simply stopped). */
export async function removeApplication(flink: KinesisAnalyticsV2Client, application: string): Promise<void> {
  const detail = await describeApp(flink, application).catch(() => null);
  if (!detail) return;
  if (detail.ApplicationStatus === 'RUNNING') {
    await flink.send(new StopApplicationCommand({ ApplicationName: application, Force: true }));
    await waitForApplication(flink, application, 'READY');
  }
  await flink.send(new DeleteApplicationCommand({ ApplicationName: application, CreateTimestamp: detail.CreateTimestamp }));
}

export async function removeStream(kinesis: KinesisClient, stream: string): Promise<void> {
  await kinesis.send(new DeleteStreamCommand({ StreamName: stream })).catch(() => undefined);
}

/** A CUSTOM-parallelism application reading the `FlinkApplicationProperties` input stream. */
export function applicationInput(name: string, parallelism = 2): CreateApplicationCommandInput {
  return {
    ApplicationName: name,
    ApplicationDescription: 'conformance',
    RuntimeEnvironment: 'FLINK-1_20',
    ServiceExecutionRole: SERVICE_ROLE,
    ApplicationConfiguration: {
      ApplicationCodeConfiguration: {
        CodeContentType: 'ZIPFILE',
        CodeContent: { S3ContentLocation: { BucketARN: CODE_BUCKET, FileKey: CODE_KEY } },
      },
      FlinkApplicationConfiguration: {
        ParallelismConfiguration: { ConfigurationType: 'CUSTOM', Parallelism: parallelism, ParallelismPerKPU: 1, AutoScalingEnabled: false },
      },
      EnvironmentProperties: { PropertyGroups: [{ PropertyGroupId: 'FlinkApplicationProperties', PropertyMap: { InputStreamName: 'absent' } }] },
      ApplicationSnapshotConfiguration: { SnapshotsEnabled: true },
    },
  };
}
