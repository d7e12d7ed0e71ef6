/**
 * The pipeline's CloudWatch dashboard: created during provisioning with the article's
 * panels, removed by teardown, and undone with the rest of the saga when a later step fails.
 */
import { GetDashboardCommand, ListDashboardsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { eventsQuery, statusQuery, teardownSignal } from '../../workflows/contract.js';
import { cloudWatchClient, flinkClient, kinesisClient, startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { createTestClient, runWorker } from '../support/temporal.js';
import { startPipeline, testSpec, waitForPhase } from './lifecycle-harness.js';

interface Widget {
  type: string;
  properties: { title?: string; metrics?: unknown[][]; yAxis?: { left?: { label?: string } } };
}

describe('the pipeline\'s CloudWatch dashboard (real workflow and Worker against the emulator)', () => {
  let client: Client;
  let emulator: TestEmulator;
  let cloudwatch: CloudWatchClient;
  let activities: ReturnType<typeof createActivities>;

  const dashboards = async (prefix: string) =>
    ((await cloudwatch.send(new ListDashboardsCommand({ DashboardNamePrefix: prefix }))).DashboardEntries ?? []).map((d) => d.DashboardName);

  beforeAll(async () => {
    client = await createTestClient();
    emulator = await startTestEmulator({ kinesis: { createStreamMs: 50, deleteStreamMs: 50 } });
    cloudwatch = cloudWatchClient(emulator);
    activities = createActivities({
      kinesis: kinesisClient(emulator), flink: flinkClient(emulator), cloudwatch, dataDir: 'data', pollTiming: { minDelayMs: 20, maxDelayMs: 100 },
    });
  });

  afterAll(async () => {
    await client?.connection.close();
    cloudwatch?.destroy();
    await emulator?.stop();
  });

  it('is created with the article\'s panels for the stream and the application, and deleted on teardown', async () => {
    const spec = testSpec('cwd-ok');
    await runWorker({ activities }, async ({ taskQueue }) => {
      const handle = await startPipeline(client, taskQueue, spec);
      const running = await waitForPhase(handle, ['RUNNING', 'FAILED']);
      expect(running.phase).toBe('RUNNING');
      expect(running.resources.dashboardName).toBe('shardpilot-cwd-ok');

      const got = await cloudwatch.send(new GetDashboardCommand({ DashboardName: 'shardpilot-cwd-ok' }));
      const widgets = (JSON.parse(got.DashboardBody as string) as { widgets: Widget[] }).widgets.filter((w) => w.type === 'metric');
      const metricNames = widgets.flatMap((w) => (w.properties.metrics ?? []).map((m) => `${m[0]}:${m[1]}`));
      expect(metricNames).toEqual([
        'AWS/Kinesis:IncomingRecords', 'AWS/Kinesis:IncomingBytes', 'AWS/Kinesis:WriteProvisionedThroughputExceeded',
        'AWS/Kinesis:GetRecords.IteratorAgeMilliseconds', 'AWS/KinesisAnalytics:millisBehindLatest',
        'AWS/KinesisAnalytics:KPUs', 'AWS/KinesisAnalytics:cpuUtilization',
      ]);
      // Each panel is about this pipeline's resources, and says its unit.
      for (const w of widgets) {
        expect(JSON.stringify(w.properties.metrics)).toMatch(/cwd-ok-(trips|hotspots)/);
        expect(w.properties.yAxis?.left?.label).toEqual(expect.any(String));
      }

      await handle.signal(teardownSignal, { reason: 'test done' });
      await handle.result();
      expect(await dashboards('shardpilot-cwd-ok')).toEqual([]);
      const steps = (await handle.query(eventsQuery)).filter((e) => e.kind === 'step').map((e) => e.message);
      expect(steps).toContain('Deleted CloudWatch dashboard shardpilot-cwd-ok');
    });
  });

  it('is removed with the stream and application when a later provisioning step fails', async () => {
    emulator.admin.injectFault({ kind: 'fail', operation: 'StartApplication', count: 1, errorName: 'InvalidApplicationConfigurationException', message: 'bad jar' });
    const spec = testSpec('cwd-undo');
    await runWorker({ activities }, async ({ taskQueue }) => {
      const handle = await startPipeline(client, taskQueue, spec);
      await handle.result().catch(() => undefined);
      const status = await handle.query(statusQuery);
      expect(status).toMatchObject({ phase: 'FAILED', lastError: { step: 'start application' } });
      const undo = (await handle.query(eventsQuery)).filter((e) => e.kind === 'compensation').map((e) => e.message);
      // Newest first: the dashboard was the last thing created.
      expect(undo[0]).toBe('Undo "delete CloudWatch dashboard shardpilot-cwd-undo": Deleted CloudWatch dashboard shardpilot-cwd-undo');
      expect(undo).toHaveLength(3);
      expect(await dashboards('shardpilot-cwd-undo')).toEqual([]);
    });
  });
});
