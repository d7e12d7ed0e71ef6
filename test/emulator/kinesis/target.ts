/**
 * Where the Kinesis conformance suite runs. By default: a fresh emulator per test file.
 * With CONFORMANCE_ENDPOINT set (e.g. `https://kinesis.us-east-1.amazonaws.com`), the
 * same assertions run against that endpoint with the default credential chain; checks
 * that need the emulator's admin API (faults, call log, tuned delays) run only through
 * `whenEmulator`, and say so, instead of being skipped silently.
 */
import { KinesisClient, DescribeStreamSummaryCommand, DeleteStreamCommand } from '@aws-sdk/client-kinesis';
import type { EmulatorOverrides } from '../../../emulator/config.js';
import { kinesisClient, startTestEmulator } from '../../support/emulator.js';
import type { ClientOptions, TestEmulator } from '../../support/emulator.js';

export interface ConformanceTarget {
  url: string;
  /** Null against a real endpoint. */
  emulator: TestEmulator | null;
  kinesis(options?: ClientOptions): KinesisClient;
  /** A stream name unique to this run, so runs against a shared account do not collide. */
  streamName(label: string): string;
  /** Deletes the streams this target created (real endpoints) and stops the emulator. */
  close(): Promise<void>;
}

/** Test-harness setting, not application configuration: read here, never by the app. */
const externalEndpoint = process.env.CONFORMANCE_ENDPOINT;
const externalRegion = process.env.CONFORMANCE_REGION ?? process.env.AWS_REGION ?? 'us-east-1';

export const runsAgainstEmulator = externalEndpoint === undefined || externalEndpoint === '';

export async function openTarget(overrides: EmulatorOverrides = {}): Promise<ConformanceTarget> {
  const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const created = new Set<string>();
  const clients: KinesisClient[] = [];
  const track = (client: KinesisClient): KinesisClient => {
    clients.push(client);
    return client;
  };
  const streamName = (label: string): string => {
    const name = `conf-${label}-${runId}`;
    created.add(name);
    return name;
  };

  if (!runsAgainstEmulator) {
    const url = externalEndpoint as string;
    return {
      url,
      emulator: null,
      kinesis: (options = {}) =>
        track(new KinesisClient({ endpoint: url, region: externalRegion, ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) })),
      streamName,
      async close() {
        const client = track(new KinesisClient({ endpoint: url, region: externalRegion }));
        for (const name of created) {
          await client.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true })).catch(() => undefined);
        }
        for (const c of clients) c.destroy();
      },
    };
  }

  const emulator = await startTestEmulator(overrides);
  return {
    url: emulator.url,
    emulator,
    kinesis: (options = {}) => track(kinesisClient(emulator, options)),
    streamName,
    async close() {
      for (const c of clients) c.destroy();
      await emulator.stop();
    },
  };
}

/** Runs an emulator-only check (admin API, tuned limits); a no-op, by design, against real endpoints. */
export async function whenEmulator(target: ConformanceTarget, check: (emulator: TestEmulator) => Promise<void> | void): Promise<void> {
  if (target.emulator !== null) await check(target.emulator);
}

/** Polls until the stream reaches `status` (real AWS takes tens of seconds; the emulator milliseconds). */
export async function waitForStatus(client: KinesisClient, streamName: string, status: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (summary.StreamDescriptionSummary?.StreamStatus === status) return;
    if (Date.now() > deadline) throw new Error(`Stream ${streamName} did not reach ${status} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, runsAgainstEmulator ? 50 : 2000);
  }
}

/** Polls until the stream is gone. */
export async function waitForDeleted(client: KinesisClient, streamName: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    } catch (err) {
      if ((err as Error).name === 'ResourceNotFoundException') return;
      throw err;
    }
    if (Date.now() > deadline) throw new Error(`Stream ${streamName} was not deleted within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, runsAgainstEmulator ? 10 : 2000));
  }
}
