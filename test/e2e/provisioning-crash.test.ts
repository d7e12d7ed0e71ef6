import { ListApplicationsCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { describeStream } from '../../activities/provisioning/stream.js';
import type { ManagedChild } from '../../scripts/processes.js';
import { teardownSignal } from '../../workflows/contract.js';
import { cloudWatchClient, flinkClient, kinesisClient, startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { createTestClient, runWorker, uniqueTaskQueue } from '../support/temporal.js';
import { startWorkerProcess, until } from '../support/worker-process.js';
import { startPipeline, testSpec, waitForPhase } from '../workflows/lifecycle-harness.js';


describe('crash of the worker while provisioning waits', () => {
  let client: Client;
  let emulator: TestEmulator;
  let worker: ManagedChild | undefined;

  beforeAll(async () => {
    client = await createTestClient();
    // A slow CreateStream keeps provisioning inside its wait long enough to crash the worker there;
    // it still settles before the wait's heartbeat timeout (15 s) hands the wait to the new worker.
    emulator = await startTestEmulator({ kinesis: { createStreamMs: 6_000, deleteStreamMs: 50 } });
  });

  afterAll(async () => {
    worker?.killNow();
    await client?.connection.close();
    await emulator?.stop();
  });

  it('reaches RUNNING on a new worker with exactly one stream and one application created', { timeout: 180_000 }, async () => {
    const taskQueue = uniqueTaskQueue('crash');
    const spec = testSpec('crash-1', { stream: { shardCount: 2, adopt: false, retentionHours: 24 } });
    const lines: string[] = [];
    worker = await startWorkerProcess(taskQueue, emulator.url, lines);
    const handle = await startPipeline(client, taskQueue, spec);

    const kinesis = kinesisClient(emulator);
    const flink = flinkClient(emulator);
    try {
      await until('CreateStream to succeed', () => emulator.admin.calls({ operation: 'CreateStream' }).some((c) => c.outcome === 'ok'), 30_000);
      await until('the wait to poll the new stream', () => emulator.admin.calls({ operation: 'DescribeStreamSummary' }).length > 0, 30_000);
      worker.killNow();
      await worker.exited;
      expect((await describeStream(kinesis, 'crash-1-trips'))?.status).toBe('CREATING');

      const activities = createActivities({ kinesis, flink, cloudwatch: cloudWatchClient(emulator), dataDir: 'data', pollTiming: { minDelayMs: 50, maxDelayMs: 200 } });
      await runWorker({ taskQueue, activities }, async () => {
        const status = await waitForPhase(handle, ['RUNNING', 'FAILED'], 90_000);
        expect(status.phase).toBe('RUNNING');
        expect(status.capacity).toMatchObject({ shards: 2, parallelism: 2 });

        const creates = (operation: string) => emulator.admin.calls({ operation }).filter((c) => c.outcome === 'ok');
        expect(creates('CreateStream')).toHaveLength(1);
        expect(creates('CreateApplication')).toHaveLength(1);
        expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual(['crash-1-trips']);
        const apps = await flink.send(new ListApplicationsCommand({}));
        expect(apps.ApplicationSummaries?.map((a) => [a.ApplicationName, a.ApplicationStatus])).toEqual([['crash-1-hotspots', 'RUNNING']]);

        await handle.signal(teardownSignal, {});
        expect(await handle.result()).toMatchObject({ phase: 'DELETED' });
      });
    } finally {
      kinesis.destroy();
      flink.destroy();
    }
  });
});
