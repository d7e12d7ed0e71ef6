/**
 * The worker's AWS clients pace rate-limited operations at AWS's per-account rates, so a burst
 * (200 pipelines created or deleted at once) is sent at the rate instead of being throttled and
 * retried. Against the emulator enforcing those rates on a real clock (as bench:control-plane runs it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStreamCommand, DeleteStreamCommand } from '@aws-sdk/client-kinesis';
import { startEmulator, type RunningEmulator } from '../../../emulator/server.js';
import { AWS_API_RATES } from '../../../emulator/core/apiRates.js';
import { createAwsClients, destroyAwsClients } from '../../../activities/aws/clients.js';
import { ACCOUNT_RATES, AccountPacer } from '../../../activities/aws/pacing.js';
import type { AwsConfig } from '../../../config/index.js';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ profile: 'test', overrides: { port: 0, apiRates: { enabled: true } } });
});
afterAll(async () => {
  await emulator.close();
});

function awsConfig(apiRateShare: number): AwsConfig {
  const url = emulator.url;
  return { region: 'us-east-1', endpoints: { kinesis: url, flink: url, cloudwatch: url }, local: true, publicationDelaySeconds: 0, apiRateShare };
}

/** Creates `n` streams at once and deletes them at once: the calls' failures (after the SDK's retries) and the emulator's log of them. */
async function createAndDeleteBurst(prefix: string, n: number, apiRateShare: number) {
  const clients = createAwsClients(awsConfig(apiRateShare));
  const since = Date.now();
  let failed = 0;
  try {
    const names = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    const created = await Promise.allSettled(names.map((StreamName) => clients.kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }))));
    // Deleting needs ACTIVE streams; the test profile activates them within a second.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const deleted = await Promise.allSettled(names.map((StreamName) => clients.kinesis.send(new DeleteStreamCommand({ StreamName }))));
    failed = [...created, ...deleted].filter((r) => r.status === 'rejected').length;
  } finally {
    destroyAwsClients(clients);
  }
  const calls = emulator.admin.calls({ since }).filter((c) => c.operation === 'CreateStream' || c.operation === 'DeleteStream');
  return { failed, calls: calls.length, throttled: calls.filter((c) => c.error === 'LimitExceededException').length, ms: Date.now() - since };
}

describe('AWS call pacing', () => {
  it('sends a burst of 8 CreateStream and 8 DeleteStream at AWS\'s 5 per second: none throttled, one call each', { timeout: 60_000 }, async () => {
    const paced = await createAndDeleteBurst('paced', 8, 1);
    expect(paced).toMatchObject({ failed: 0, calls: 16, throttled: 0 });
    // 8 calls at 5 per (paced) second cannot all leave within the first second.
    expect(paced.ms).toBeGreaterThan(1100 + 1500);
  });

  it('without pacing (AWS_API_RATE_SHARE=0) the same burst is throttled: retried calls, some failing past the SDK\'s retries', { timeout: 60_000 }, async () => {
    const unpaced = await createAndDeleteBurst('unpaced', 8, 0);
    expect(unpaced.throttled).toBeGreaterThan(0);
    expect(unpaced.calls).toBeGreaterThan(16);
  });

  it('paces a share of the rate: at 0.5, 2 per second for a 5-per-second operation (never below 1)', async () => {
    const pacer = new AccountPacer(0.5, { Kinesis_20131202: { CreateStream: 5, DescribeLimits: 1 } });
    const started = Date.now();
    await Promise.all([1, 2, 3].map(() => pacer.admit('kinesis', 'CreateStream')));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await pacer.admit('kinesis', 'DescribeLimits');
    await pacer.admit('kinesis', 'PutRecords'); // no account rate: at once
    expect(() => new AccountPacer(1.5)).toThrow(/from 0 to 1/);
  });

  it('knows every account-wide rate the emulator enforces, at the same number', () => {
    const emulated = Object.fromEntries(Object.entries(AWS_API_RATES).map(([target, operations]) => [
      target,
      Object.fromEntries(Object.entries(operations).filter(([, rate]) => rate.scope === 'account').map(([op, rate]) => [op, rate.perSecond])),
    ]));
    expect(ACCOUNT_RATES).toEqual(emulated);
  });
});
