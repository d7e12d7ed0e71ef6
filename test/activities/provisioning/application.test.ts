import { CreateApplicationCommand, DescribeApplicationCommand, type KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_FAILURE_TYPES } from '../../../activities/aws/errors.js';
import {
  deleteApplication, describeApplication, ensureApplication, startApplication, stopApplication, waitApplicationRunning,
} from '../../../activities/provisioning/application.js';
import { resolveSpec } from '../../../model/spec.js';
import { flinkClient, startTestEmulator, type TestEmulator } from '../../support/emulator.js';

const FAST = { minDelayMs: 5, maxDelayMs: 20 };

function appSpec(id: string, parallelism = 2) {
  return resolveSpec(
    { application: { parallelism, parallelismPerKpu: 2, runtime: 'FLINK-1_20', snapshotsEnabled: true, adopt: false, serviceExecutionRole: 'arn:aws:iam::000000000000:role/flink' }, retainOnFailure: false, retainStreamOnDelete: false },
    id,
  ).application;
}

describe('Flink application provisioning activities against the emulator', () => {
  let emulator: TestEmulator;
  let flink: KinesisAnalyticsV2Client;

  beforeAll(async () => {
    emulator = await startTestEmulator({ flink: { startApplicationMs: 80, stopApplicationMs: 40, deleteApplicationMs: 40 } });
    flink = flinkClient(emulator);
  });

  afterAll(async () => {
    flink?.destroy();
    await emulator?.stop();
  });

  it('creates the application with CUSTOM parallelism, AWS autoscaling off and the input stream property', async () => {
    const result = await ensureApplication(flink, { pipelineId: 'a1', application: appSpec('a1', 3) });
    expect(result).toMatchObject({ created: true, state: { status: 'READY', parallelism: 3, parallelismPerKpu: 2, autoScalingEnabled: false } });
    const out = await flink.send(new DescribeApplicationCommand({ ApplicationName: 'a1-hotspots' }));
    const config = out.ApplicationDetail?.ApplicationConfigurationDescription;
    expect(config?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription).toMatchObject({
      ConfigurationType: 'CUSTOM', Parallelism: 3, ParallelismPerKPU: 2, AutoScalingEnabled: false,
    });
    expect(config?.EnvironmentPropertyDescriptions?.PropertyGroupDescriptions).toContainEqual({
      PropertyGroupId: 'FlinkApplicationProperties',
      PropertyMap: { InputStreamName: 'a1-trips' },
    });
    expect(out.ApplicationDetail?.RuntimeEnvironment).toBe('FLINK-1_20');
  });

  it('starts it and waits until it is RUNNING; starting again does nothing', async () => {
    await ensureApplication(flink, { pipelineId: 'a2', application: appSpec('a2') });
    expect(await startApplication(flink, 'a2-hotspots')).toMatchObject({ acted: true });
    const running = await waitApplicationRunning(flink, FAST, { applicationName: 'a2-hotspots', timeoutSeconds: 10 });
    expect(running).toMatchObject({ status: 'RUNNING', currentParallelism: 2 });
    expect(await startApplication(flink, 'a2-hotspots')).toEqual({ acted: false, message: 'Application a2-hotspots is already RUNNING' });
  });

  it('recognises its own application from an earlier attempt, adopts a foreign one only when asked, refuses it otherwise', async () => {
    await ensureApplication(flink, { pipelineId: 'a3', application: appSpec('a3') });
    const again = await ensureApplication(flink, { pipelineId: 'a3', application: appSpec('a3') });
    expect(again).toMatchObject({ created: true, message: 'Application a3-hotspots was already created by an earlier attempt of this pipeline' });

    await flink.send(new CreateApplicationCommand({ ApplicationName: 'foreign', RuntimeEnvironment: 'FLINK-1_20', ServiceExecutionRole: 'arn:aws:iam::000000000000:role/x' }));
    const foreign = { ...appSpec('a4'), name: 'foreign' };
    const refused = await ensureApplication(flink, { pipelineId: 'a4', application: foreign }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ type: AWS_FAILURE_TYPES.conflict, nonRetryable: true });
    const adopted = await ensureApplication(flink, { pipelineId: 'a4', application: { ...foreign, adopt: true } });
    expect(adopted).toMatchObject({ created: false, message: 'Adopted existing application foreign' });
  });

  it('recognises an application it created as its own on a retry even when the spec says adopt, and only adopts one an earlier pipeline left', async () => {
    const spec = { ...appSpec('a6'), adopt: true };
    expect((await ensureApplication(flink, { pipelineId: 'a6', application: spec, creatorRunId: 'run-1' })).created).toBe(true);
    expect(await ensureApplication(flink, { pipelineId: 'a6', application: spec, creatorRunId: 'run-1' }))
      .toMatchObject({ created: true, message: 'Application a6-hotspots was already created by an earlier attempt of this pipeline' });
    expect(await ensureApplication(flink, { pipelineId: 'a6', application: spec, creatorRunId: 'run-2' }))
      .toMatchObject({ created: false, message: 'Adopted existing application a6-hotspots' });
  });

  it('maps a rejected creation to a non-retryable failure that names the step', async () => {
    emulator.admin.injectFault({ kind: 'fail', operation: 'CreateApplication', count: 1, errorName: 'InvalidArgumentException', message: 'role cannot be assumed' });
    const err = await ensureApplication(flink, { pipelineId: 'a5', application: appSpec('a5') }).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: AWS_FAILURE_TYPES.nonRetryable, nonRetryable: true });
    expect((err as Error).message).toBe('creating application a5-hotspots failed: InvalidArgumentException: role cannot be assumed');
  });

  it('stops gracefully, deletes with the create timestamp, and is a no-op once the application is gone', async () => {
    await ensureApplication(flink, { pipelineId: 'a6', application: appSpec('a6') });
    await startApplication(flink, 'a6-hotspots');
    await waitApplicationRunning(flink, FAST, { applicationName: 'a6-hotspots', timeoutSeconds: 10 });
    const stopped = await stopApplication(flink, FAST, { applicationName: 'a6-hotspots', forceAfterSeconds: 10, timeoutSeconds: 20 });
    expect(stopped).toEqual({ acted: true, message: 'Stopped application a6-hotspots' });
    expect(await deleteApplication(flink, FAST, { applicationName: 'a6-hotspots', timeoutSeconds: 10 })).toMatchObject({ acted: true });
    expect(await describeApplication(flink, 'a6-hotspots')).toBeNull();
    expect(await stopApplication(flink, FAST, { applicationName: 'a6-hotspots', forceAfterSeconds: 1, timeoutSeconds: 2 })).toMatchObject({ acted: false });
    expect(await deleteApplication(flink, FAST, { applicationName: 'a6-hotspots', timeoutSeconds: 1 })).toMatchObject({ acted: false });
  });

  it('forces the stop when a graceful stop outlasts its bound', async () => {
    const slow = await startTestEmulator({ flink: { startApplicationMs: 20, stopApplicationMs: 60_000, forceStopApplicationMs: 20 } });
    const client = flinkClient(slow);
    try {
      await ensureApplication(client, { pipelineId: 'a7', application: appSpec('a7') });
      await startApplication(client, 'a7-hotspots');
      await waitApplicationRunning(client, FAST, { applicationName: 'a7-hotspots', timeoutSeconds: 10 });
      const stopped = await stopApplication(client, FAST, { applicationName: 'a7-hotspots', forceAfterSeconds: 0.2, timeoutSeconds: 10 });
      expect(stopped).toEqual({ acted: true, message: 'Force-stopped application a7-hotspots' });
      const stops = slow.admin.calls({ operation: 'StopApplication' }).map((c) => (c.params as { Force?: boolean }).Force);
      expect(stops).toEqual([false, true]);
    } finally {
      client.destroy();
      await slow.stop();
    }
  });
});
