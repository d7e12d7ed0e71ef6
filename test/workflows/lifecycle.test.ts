import { CreateApplicationCommand, type KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { describeApplication } from '../../activities/provisioning/application.js';
import { describeStream } from '../../activities/provisioning/stream.js';
import { eventsQuery, pipelinePhaseKey, statusQuery, teardownSignal } from '../../workflows/contract.js';
import { cloudWatchClient, flinkClient, kinesisClient, startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { createTestClient, runWorker } from '../support/temporal.js';
import { startPipeline, testSpec, waitForPhase } from './lifecycle-harness.js';

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('pipeline workflow life cycle against the emulator (real Temporal server and Worker)', () => {
  let client: Client;
  let emulator: TestEmulator;
  let kinesis: KinesisClient;
  let flink: KinesisAnalyticsV2Client;
  let activities: ReturnType<typeof createActivities>;

  beforeAll(async () => {
    client = await createTestClient();
    emulator = await startTestEmulator({ kinesis: { createStreamMs: 100, deleteStreamMs: 50 } });
    kinesis = kinesisClient(emulator);
    flink = flinkClient(emulator);
    activities = createActivities({ kinesis, flink, cloudwatch: cloudWatchClient(emulator), dataDir: 'data', pollTiming: { minDelayMs: 20, maxDelayMs: 100 } });
  });

  afterAll(async () => {
    await client?.connection.close();
    kinesis?.destroy();
    flink?.destroy();
    await emulator?.stop();
  });

  it('provisions to RUNNING with the requested shards and parallelism, then tears down to DELETED', async () => {
    const spec = testSpec('life-ok', { stream: { shardCount: 3, adopt: false, retentionHours: 24 } });
    await runWorker({ activities }, async ({ taskQueue }) => {
      const handle = await startPipeline(client, taskQueue, spec);
      const running = await waitForPhase(handle, ['RUNNING', 'FAILED']);
      expect(running.phase).toBe('RUNNING');
      expect(running.capacity).toEqual({ shards: 3, parallelism: 2, parallelismPerKpu: 1, kpus: 3 });
      expect(running.resources).toMatchObject({ createdStream: true, createdApplication: true, streamArn: expect.stringContaining('life-ok-trips') });

      const stream = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'life-ok-trips' }));
      expect(stream.StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 3 });
      expect(await describeApplication(flink, 'life-ok-hotspots')).toMatchObject({ status: 'RUNNING', currentParallelism: 2, autoScalingEnabled: false });
      const description = await handle.describe();
      expect(description.typedSearchAttributes.get(pipelinePhaseKey)).toBe('RUNNING');

      await handle.signal(teardownSignal, { reason: 'test is done' });
      const result = await handle.result();
      expect(result).toMatchObject({ id: 'life-ok', phase: 'DELETED' });
      expect(await describeStream(kinesis, 'life-ok-trips')).toBeNull();
      expect(await describeApplication(flink, 'life-ok-hotspots')).toBeNull();
      const phases = (await handle.query(eventsQuery)).filter((e) => e.kind === 'phase').map((e) => e.data?.to).filter(Boolean);
      expect(phases).toEqual(['STARTING', 'RUNNING', 'TEARING_DOWN', 'DELETED']);
      expect((await handle.describe()).typedSearchAttributes.get(pipelinePhaseKey)).toBe('DELETED');
    });
  });

  it('ends FAILED when application creation is rejected, after deleting the stream it created and recording why', async () => {
    emulator.admin.injectFault({ kind: 'fail', operation: 'CreateApplication', count: 1, errorName: 'InvalidArgumentException', message: 'role cannot be assumed' });
    const spec = testSpec('life-fail');
    await runWorker({ activities }, async ({ taskQueue }) => {
      const handle = await startPipeline(client, taskQueue, spec);
      const failure = await handle.result().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      expect((failure as WorkflowFailedError).cause?.message).toContain('failed at "ensure application"');

      const status = await handle.query(statusQuery);
      expect(status.phase).toBe('FAILED');
      expect(status.lastError).toMatchObject({ step: 'ensure application', message: expect.stringContaining('role cannot be assumed') });
      expect(status.attention).toContain('Everything it created was removed');
      const events = await handle.query(eventsQuery);
      expect(events.filter((e) => e.kind === 'compensation').map((e) => e.message)).toEqual([
        'Undo "delete stream life-fail-trips": Deleted stream life-fail-trips',
      ]);
      expect(await describeStream(kinesis, 'life-fail-trips')).toBeNull();
      expect((await handle.describe()).typedSearchAttributes.get(pipelinePhaseKey)).toBe('FAILED');
    });
  });

  it('reports a compensation that fails instead of swallowing it, and asks a person to finish the clean-up', async () => {
    emulator.admin.injectFault({ kind: 'fail', operation: 'CreateApplication', count: 1, errorName: 'InvalidArgumentException', message: 'bad role' });
    emulator.admin.injectFault({ kind: 'fail', operation: 'DeleteStream', count: 1, errorName: 'AccessDeniedException', message: 'not allowed to delete' });
    const spec = testSpec('life-undo');
    await runWorker({ activities }, async ({ taskQueue }) => {
      const handle = await startPipeline(client, taskQueue, spec);
      await handle.result().catch(() => undefined);
      const status = await handle.query(statusQuery);
      expect(status.phase).toBe('FAILED');
      expect(status.attention).toContain('could not be undone and need removing by hand: delete stream life-undo-trips');
      const undo = (await handle.query(eventsQuery)).filter((e) => e.kind === 'compensation');
      expect(undo).toHaveLength(1);
      expect(undo[0]?.message).toContain('Undo "delete stream life-undo-trips" FAILED');
      expect(undo[0]?.message).toContain('not allowed to delete');
      expect(await describeStream(kinesis, 'life-undo-trips')).toMatchObject({ status: 'ACTIVE' });
    });
  });

  it('keeps what it created when provisioning fails and the spec says retainOnFailure', async () => {
    emulator.admin.injectFault({ kind: 'fail', operation: 'StartApplication', count: 1, errorName: 'InvalidApplicationConfigurationException', message: 'bad jar' });
    const spec = testSpec('life-keep', { retainOnFailure: true });
    await runWorker({ activities }, async ({ taskQueue }) => {
      const handle = await startPipeline(client, taskQueue, spec);
      await handle.result().catch(() => undefined);
      const status = await handle.query(statusQuery);
      expect(status).toMatchObject({ phase: 'FAILED', lastError: { step: 'start application' } });
      expect(status.attention).toContain('Kept for inspection (retainOnFailure): stream life-keep-trips, application life-keep-hotspots');
      expect(await describeStream(kinesis, 'life-keep-trips')).not.toBeNull();
      expect(await describeApplication(flink, 'life-keep-hotspots')).toMatchObject({ status: 'READY' });
    });
  });

  it('adopts existing resources when asked and leaves them in place on teardown', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'shared-in', ShardCount: 1 }));
    await flink.send(new CreateApplicationCommand({ ApplicationName: 'shared-app', RuntimeEnvironment: 'FLINK-1_20', ServiceExecutionRole: 'arn:aws:iam::000000000000:role/x' }));
    const spec = testSpec('life-adopt', {
      stream: { name: 'shared-in', shardCount: 1, adopt: true, retentionHours: 24 },
      application: { name: 'shared-app', adopt: true, parallelism: 1, parallelismPerKpu: 1, runtime: 'FLINK-1_20', snapshotsEnabled: true, serviceExecutionRole: 'arn:aws:iam::000000000000:role/x' },
    });
    await runWorker({ activities }, async ({ taskQueue }) => {
      const handle = await startPipeline(client, taskQueue, spec);
      const running = await waitForPhase(handle, ['RUNNING', 'FAILED']);
      expect(running.resources).toMatchObject({ createdStream: false, createdApplication: false });
      await handle.signal(teardownSignal, {});
      expect(await handle.result()).toMatchObject({ phase: 'DELETED' });
      expect(await describeStream(kinesis, 'shared-in')).toMatchObject({ status: 'ACTIVE' });
      expect(await describeApplication(flink, 'shared-app')).not.toBeNull();
    });
  });

  it('honours a teardown requested while provisioning and leaves nothing behind', async () => {
    emulator.admin.injectFault({ kind: 'latency', operation: 'CreateStream', latencyMs: 500 });
    const spec = testSpec('life-early');
    await runWorker({ activities }, async ({ taskQueue }) => {
      const handle = await startPipeline(client, taskQueue, spec);
      await handle.signal(teardownSignal, { reason: 'changed my mind' });
      expect(await handle.result()).toMatchObject({ phase: 'DELETED' });
      emulator.admin.clearFaults();
      expect(await describeStream(kinesis, 'life-early-trips')).toBeNull();
      expect(await describeApplication(flink, 'life-early-hotspots')).toBeNull();
      const messages = (await handle.query(eventsQuery)).map((e) => e.message);
      expect(messages).toContain('Teardown requested: changed my mind');
    });
  });

  it('cuts a slow application start short when teardown is requested, instead of waiting for it', async () => {
    const slow = await startTestEmulator({ kinesis: { createStreamMs: 20, deleteStreamMs: 20 }, flink: { startApplicationMs: 120_000 } });
    const slowKinesis = kinesisClient(slow);
    const slowFlink = flinkClient(slow);
    const slowActivities = createActivities({ kinesis: slowKinesis, flink: slowFlink, cloudwatch: cloudWatchClient(slow), dataDir: 'data', pollTiming: { minDelayMs: 20, maxDelayMs: 100 } });
    try {
      await runWorker({ activities: slowActivities }, async ({ taskQueue }) => {
        const handle = await startPipeline(client, taskQueue, testSpec('life-slow'));
        await waitForPhase(handle, ['STARTING']);
        await until(async () => (await describeApplication(slowFlink, 'life-slow-hotspots'))?.status === 'STARTING');
        const asked = Date.now();
        await handle.signal(teardownSignal, { reason: 'no time to wait' });
        expect(await handle.result()).toMatchObject({ phase: 'DELETED' });
        expect(Date.now() - asked).toBeLessThan(30_000);
        expect(await describeApplication(slowFlink, 'life-slow-hotspots')).toBeNull();
        expect(await describeStream(slowKinesis, 'life-slow-trips')).toBeNull();
        expect(slow.admin.calls({ operation: 'StopApplication' }).map((c) => (c.params as { Force?: boolean }).Force)).toEqual([true]);
      });
    } finally {
      slowKinesis.destroy();
      slowFlink.destroy();
      await slow.stop();
    }
  });

  it('continues as new once history passes the configured size, carrying state, and still tears down', async () => {
    const spec = testSpec('life-can');
    await runWorker({ activities }, async ({ taskQueue }) => {
      // Above the ~16 events of a quiet second run (start, the patch markers, the published status, one metrics read),
      // far below provisioning's.
      const handle = await startPipeline(client, taskQueue, spec, { continueAsNewAfterHistoryEvents: 24 }, { specHash: 'abc' });
      const firstRunId = handle.firstExecutionRunId;
      let status = await waitForPhase(handle, ['RUNNING', 'FAILED']);
      for (let i = 0; i < 50 && status.continuedAsNewCount === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = await handle.query(statusQuery);
      }
      expect(status).toMatchObject({ phase: 'RUNNING', continuedAsNewCount: 1, resources: { createdStream: true } });
      expect((await handle.describe()).runId).not.toBe(firstRunId);
      const events = await handle.query(eventsQuery);
      expect(events.some((e) => e.message.startsWith('PROVISIONING → STARTING'))).toBe(true);
      const described = await handle.describe();
      expect(described.typedSearchAttributes.get(pipelinePhaseKey)).toBe('RUNNING');
      // The starter's note carried over, next to the status the run publishes (what the API reads).
      expect(described.memo).toMatchObject({ specHash: 'abc', status: { id: 'life-can', phase: 'RUNNING', continuedAsNewCount: 1 } });

      await handle.signal(teardownSignal, {});
      expect(await handle.result()).toMatchObject({ phase: 'DELETED', continuedAsNewCount: 1 });
      expect(await describeStream(kinesis, 'life-can-trips')).toBeNull();
    });
  });
});
