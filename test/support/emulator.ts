/**
 * Test helpers: an emulator on a free port with near-zero delays, and the three AWS SDK
 * clients pointed at it with dummy credentials — the same clients production uses.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { http1, kinesisHttp2 } from '../../activities/aws/clients.js';
import type { EmulatorOverrides } from '../../emulator/config.js';
import { startEmulator } from '../../emulator/server.js';
import type { RunningEmulator } from '../../emulator/server.js';

export const TEST_REGION = 'us-east-1';

export const DUMMY_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface TestEmulator extends RunningEmulator {
  stop(): Promise<void>;
}

export async function startTestEmulator(overrides: EmulatorOverrides = {}): Promise<TestEmulator> {
  const running = await startEmulator({ profile: 'test', overrides: { port: 0, ...overrides } });
  return { ...running, stop: () => running.close() };
}

interface ClientTarget {
  url: string;
}

export interface ClientOptions {
  /** 1 to see throttling errors instead of the SDK retrying them away. */
  maxAttempts?: number;
}

const clientConfig = (target: ClientTarget, options: ClientOptions) => ({
  endpoint: target.url,
  region: TEST_REGION,
  credentials: DUMMY_CREDENTIALS,
  ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
});

/** Kinesis with production's request handler (HTTP/2 without TLS against an http endpoint, with timeouts). */
export function kinesisClient(target: ClientTarget, options: ClientOptions = {}): KinesisClient {
  return new KinesisClient({ ...clientConfig(target, options), requestHandler: kinesisHttp2() });
}

export function flinkClient(target: ClientTarget, options: ClientOptions = {}): KinesisAnalyticsV2Client {
  return new KinesisAnalyticsV2Client({ ...clientConfig(target, options), requestHandler: http1() });
}

export function cloudWatchClient(target: ClientTarget, options: ClientOptions = {}): CloudWatchClient {
  return new CloudWatchClient({ ...clientConfig(target, options), requestHandler: http1() });
}
