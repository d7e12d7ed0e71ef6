/**
 * The conformance set-up for `npm run test:aws-profile`: the real pipeline workflow on a
 * Temporal dev server, the project's activities with the worker's production defaults
 * (1 s scaling polls, provisioning back-off, SDK retries) and the emulator in its `aws`
 * profile on the real clock — 60 s `AWS/` periods published a minute after they close, the
 * open minute hidden, KPUs hourly, per-API rate limits and account quotas, state changes
 * that take seconds. Nothing here is shortened for the test's sake.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { startEmulator } from '../../emulator/server.js';
import type { EmulatedCloud } from '../activities/scaling/emulated.js';
import type { ScalingE2E } from '../e2e/scaling-harness.js';
import { DUMMY_CREDENTIALS, TEST_REGION } from '../support/emulator.js';
import { createTestClient, temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal.js';

/** What the worker is told about CloudWatch's lag: the emulator's `aws` profile publishes 60 s after a minute closes. */
export const PUBLICATION_DELAY_SECONDS = 60;

async function startAwsCloud(): Promise<EmulatedCloud> {
  const running = await startEmulator({ profile: 'aws', overrides: { port: 0, callLogLimit: 200_000 } });
  const config = { endpoint: running.url, region: TEST_REGION, credentials: DUMMY_CREDENTIALS };
  const kinesis = new KinesisClient(config);
  const flink = new KinesisAnalyticsV2Client(config);
  const cloudwatch = new CloudWatchClient(config);
  return {
    emulator: { ...running, stop: () => running.close() },
    kinesis, flink, cloudwatch,
    async close() {
      kinesis.destroy();
      flink.destroy();
      cloudwatch.destroy();
      await running.close();
    },
  };
}

export async function startAwsProfileE2E(): Promise<ScalingE2E> {
  const cloud = await startAwsCloud();
  const client: Client = await createTestClient();
  const taskQueue = uniqueTaskQueue('aws-profile');
  const codePath = inject('workflowBundlePath');
  if (codePath === '') throw new Error(`shared workflow bundle failed: ${inject('workflowBundleError')}`);
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  // The worker's production defaults: only the clients and the publication delay are given, as workers/pipeline-worker.ts does.
  const worker = await Worker.create({
    connection, namespace: temporalNamespace(), taskQueue, workflowBundle: { codePath },
    activities: createActivities({
      kinesis: cloud.kinesis, flink: cloud.flink, cloudwatch: cloud.cloudwatch, dataDir: 'data',
      publicationDelaySeconds: PUBLICATION_DELAY_SECONDS,
    }),
  });
  const running = worker.run();
  return {
    cloud, client, taskQueue,
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await client.connection.close();
      await cloud.close();
    },
  };
}

/** Throttling answers the emulator gave (the SDK retried them; the workflow must never have seen one). */
export function throttledCalls(e2e: ScalingE2E): Array<{ operation: string; error: string }> {
  return e2e.cloud.emulator.admin.calls()
    .filter((c) => c.outcome === 'error' && /Throttling|LimitExceeded/.test(c.error ?? ''))
    .map((c) => ({ operation: c.operation, error: c.error ?? '' }));
}
