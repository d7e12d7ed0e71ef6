import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplayActivities } from '../../activities/replay/index.js';
import { resolveSpec, type PipelineSpecInput } from '../../model/spec.js';
import type { ReplayProgress } from '../../model/status.js';
import {
  eventsQuery, pipelineWorkflowId, replayControlUpdate, replayProgressQuery, startReplayUpdate, teardownSignal,
} from '../../workflows/contract.js';
import { kinesisClient, startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { createTestClient, temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal.js';
import { replayChildProgressQuery, replayWorkflowId } from '../../workflows/replay/messages.js';
import { bundleHostWorkflows, createStream, quietTemporalRuntime, sampleSlice, waitFor, type Slice } from './fixtures/harness.js';
import type { replayHostWorkflow } from './fixtures/host-workflows.js';
import { countIds, readWholeStream } from './read-back.js';

describe('replay controller in a pipeline host workflow', () => {
  let emulator: TestEmulator;
  let kinesis: KinesisClient;
  let client: Client;
  let bundlePath: string;
  let slice: Slice;

  beforeAll(async () => {
    quietTemporalRuntime();
    [emulator, client, bundlePath, slice] = await Promise.all([
      startTestEmulator(), createTestClient(), bundleHostWorkflows(), sampleSlice(1_500),
    ]);
    kinesis = kinesisClient(emulator);
  });
  afterAll(async () => {
    kinesis?.destroy();
    await client?.connection.close();
    await emulator?.stop();
    await rm(slice.dataDir, { recursive: true, force: true });
  });

  it('starts with the pipeline, pauses, resumes, changes speed, completes, and replays again on request', async () => {
    const id = `rp-${Date.now().toString(36)}`;
    const spec = resolveSpec({ id, stream: { name: `${id}-trips`, shardCount: 2 }, replay: { source: slice.source, speedup: slice.spanMs / 8_000 } } as PipelineSpecInput, id);
    await createStream(kinesis, spec.stream.name, 2);
    const taskQueue = uniqueTaskQueue('replay');
    const connection = await NativeConnection.connect({ address: temporalAddress() });
    const worker = await Worker.create({
      connection, namespace: temporalNamespace(), taskQueue, workflowBundle: { codePath: bundlePath },
      activities: createReplayActivities({ kinesis, dataDir: slice.dataDir, heartbeatIntervalMs: 200 }),
    });
    await worker.runUntil(async () => {
      const handle = await client.workflow.start<typeof replayHostWorkflow>('replayHostWorkflow', {
        workflowId: pipelineWorkflowId(id), taskQueue,
        args: [{ spec, timing: { maxChunkMs: 400, heartbeatTimeoutMs: 5_000, progressIntervalMs: 100 } }],
      });
      const progress = (): Promise<ReplayProgress | null> => handle.query(replayProgressQuery);
      const running = await waitFor('replay running', async () => {
        const p = await progress();
        return p?.state === 'running' && p.eventsSent > 0 ? p : undefined;
      });
      expect(running).toMatchObject({ source: slice.source, eventsTotal: 1_500, malformedLines: 0 });
      expect(running.percent).toBeGreaterThan(0);
      expect(running.etaSeconds).toBeGreaterThan(0);

      await expect(handle.executeUpdate(startReplayUpdate, { args: [{}] })).rejects.toThrow(WorkflowUpdateFailedError);
      await expect(handle.executeUpdate(replayControlUpdate, { args: [{ action: 'speedup', speedup: -1 }] })).rejects.toThrow(WorkflowUpdateFailedError);

      expect((await handle.executeUpdate(replayControlUpdate, { args: [{ action: 'pause' }] })).state).toBe('paused');
      // A pause takes effect at the next chunk boundary, when the child itself says paused; then nothing more is sent.
      const child = client.workflow.getHandle(replayWorkflowId(id));
      await waitFor('child paused', async () => ((await child.query(replayChildProgressQuery)).state === 'paused' ? true : undefined));
      const pausedAt = (await readWholeStream(kinesis, spec.stream.name)).length;
      await new Promise((r) => setTimeout(r, 1_000));
      expect((await readWholeStream(kinesis, spec.stream.name)).length).toBe(pausedAt);
      expect(pausedAt).toBeLessThan(1_500);
      expect((await progress())?.state).toBe('paused');

      expect((await handle.executeUpdate(replayControlUpdate, { args: [{ action: 'resume' }] })).state).toBe('running');
      const faster = await handle.executeUpdate(replayControlUpdate, { args: [{ action: 'speedup', speedup: 'max' }] });
      expect(faster.speedup).toBe('max');

      const done = await waitFor('replay completed', async () => {
        const p = await progress();
        return p?.state === 'completed' ? p : undefined;
      });
      expect(done).toMatchObject({ eventsSent: 1_500, percent: 100, etaSeconds: 0, speedup: 'max' });
      expect(countIds(await readWholeStream(kinesis, spec.stream.name))).toEqual(countIds(slice.ids));

      const again = await handle.executeUpdate(startReplayUpdate, { args: [{ speedup: 'max' }] });
      expect(again.state).toBe('pending');
      await waitFor('second replay completed', async () => {
        const p = await progress();
        return p?.state === 'completed' && p.startedAt !== done.startedAt ? p : undefined;
      });
      const twice = countIds(await readWholeStream(kinesis, spec.stream.name));
      expect([...twice.values()].every((n) => n === 2)).toBe(true);
      expect(twice.size).toBe(1_500);

      await handle.executeUpdate(startReplayUpdate, { args: [{ source: '../outside.jsonl' }] });
      const failed = await waitFor('replay of a bad source failed', async () => {
        const p = await progress();
        return p?.state === 'failed' ? p : undefined;
      });
      expect(failed.error).toMatch(/leaves the data folder/);

      await handle.signal(teardownSignal, {});
      await handle.result();
      const events = (await handle.query(eventsQuery)).map((e) => e.message);
      expect(events.filter((m) => m.startsWith('Replay completed'))).toHaveLength(2);
      expect(events).toContain('Replay pause requested');
      expect(events.filter((m) => m.startsWith(`Replay child ${replayWorkflowId(id)} started`))).toHaveLength(3);
    });
    await connection.close();
  });

  it('starts paused when the spec says so, and stops on teardown without sending', async () => {
    const id = `rs-${Date.now().toString(36)}`;
    const spec = resolveSpec({ id, stream: { name: `${id}-trips` }, replay: { source: slice.source, speedup: 'max', startPaused: true } } as PipelineSpecInput, id);
    await createStream(kinesis, spec.stream.name, 1);
    const taskQueue = uniqueTaskQueue('replay');
    const connection = await NativeConnection.connect({ address: temporalAddress() });
    const worker = await Worker.create({
      connection, namespace: temporalNamespace(), taskQueue, workflowBundle: { codePath: bundlePath },
      activities: createReplayActivities({ kinesis, dataDir: slice.dataDir }),
    });
    await worker.runUntil(async () => {
      const handle = await client.workflow.start<typeof replayHostWorkflow>('replayHostWorkflow', {
        workflowId: pipelineWorkflowId(id), taskQueue,
        args: [{ spec, timing: { maxChunkMs: 400, progressIntervalMs: 100 } }],
      });
      const paused = await waitFor('paused replay described', async () => {
        const p = await handle.query(replayProgressQuery);
        return p?.state === 'paused' && p.eventsTotal !== null ? p : undefined;
      });
      expect(paused.eventsSent).toBe(0);
      await handle.signal(teardownSignal, {});
      const final = await handle.result();
      expect(final?.state).toBe('stopped');
      expect(await readWholeStream(kinesis, spec.stream.name)).toEqual([]);
    });
    await connection.close();
  });

  it('says running as soon as its child has started, before the child\'s first report', { timeout: 90_000 }, async () => {
    const id = `rr-${Date.now().toString(36)}`;
    // Slow enough that the first chunk (15 s here) is still sending when the status is read.
    const spec = resolveSpec({ id, stream: { name: `${id}-trips` }, replay: { source: slice.source, speedup: slice.spanMs / 60_000 } } as PipelineSpecInput, id);
    await createStream(kinesis, spec.stream.name, 1);
    const taskQueue = uniqueTaskQueue('replay');
    const connection = await NativeConnection.connect({ address: temporalAddress() });
    const worker = await Worker.create({
      connection, namespace: temporalNamespace(), taskQueue, workflowBundle: { codePath: bundlePath },
      activities: createReplayActivities({ kinesis, dataDir: slice.dataDir }),
    });
    await worker.runUntil(async () => {
      const handle = await client.workflow.start<typeof replayHostWorkflow>('replayHostWorkflow', {
        workflowId: pipelineWorkflowId(id), taskQueue,
        args: [{ spec, timing: { maxChunkMs: 15_000, progressIntervalMs: 100 } }],
      });
      await waitFor('records on the stream', async () => ((await readWholeStream(kinesis, spec.stream.name)).length > 0 ? true : undefined));
      const progress = await handle.query(replayProgressQuery);
      // No report has come yet (nothing counted), but the replay is under way, not "pending".
      expect(progress).toMatchObject({ state: 'running', eventsSent: 0 });
      await handle.signal(teardownSignal, {});
      expect((await handle.result())?.state).toBe('stopped');
    });
    await connection.close();
  });

  it('keeps following its replay child across the pipeline\'s continue-as-new', async () => {
    const id = `rc-${Date.now().toString(36)}`;
    const spec = resolveSpec({ id, stream: { name: `${id}-trips` }, replay: { source: slice.source, speedup: slice.spanMs / 4_000 } } as PipelineSpecInput, id);
    await createStream(kinesis, spec.stream.name, 2);
    const taskQueue = uniqueTaskQueue('replay');
    const connection = await NativeConnection.connect({ address: temporalAddress() });
    const worker = await Worker.create({
      connection, namespace: temporalNamespace(), taskQueue, workflowBundle: { codePath: bundlePath },
      activities: createReplayActivities({ kinesis, dataDir: slice.dataDir }),
    });
    await worker.runUntil(async () => {
      const first = await client.workflow.start<typeof replayHostWorkflow>('replayHostWorkflow', {
        workflowId: pipelineWorkflowId(id), taskQueue,
        args: [{ spec, timing: { maxChunkMs: 400, progressIntervalMs: 100 }, continueAsNewOnceRunning: true }],
      });
      // The handle without a run id follows the chain to the latest run.
      const latest = client.workflow.getHandle(pipelineWorkflowId(id));
      await waitFor('a second run', async () => ((await latest.describe()).runId !== first.firstExecutionRunId ? true : undefined));
      const done = await waitFor('replay completed in the new run', async () => {
        const p = await latest.query(replayProgressQuery);
        return p?.state === 'completed' ? p : undefined;
      });
      expect(done.eventsSent).toBe(1_500);
      expect(countIds(await readWholeStream(kinesis, spec.stream.name))).toEqual(countIds(slice.ids));
      await latest.signal(teardownSignal, {});
      await latest.result();
    });
    await connection.close();
  });

  it('learns that a child inherited through continue-as-new was terminated: the status stops saying running, and a new replay starts', async () => {
    const id = `rt-${Date.now().toString(36)}`;
    // Slow enough (~60 s of replay) that the child is still replaying when it is terminated.
    const spec = resolveSpec({ id, stream: { name: `${id}-trips` }, replay: { source: slice.source, speedup: slice.spanMs / 60_000 } } as PipelineSpecInput, id);
    await createStream(kinesis, spec.stream.name, 1);
    const taskQueue = uniqueTaskQueue('replay');
    const connection = await NativeConnection.connect({ address: temporalAddress() });
    const worker = await Worker.create({
      connection, namespace: temporalNamespace(), taskQueue, workflowBundle: { codePath: bundlePath },
      activities: createReplayActivities({ kinesis, dataDir: slice.dataDir }),
    });
    await worker.runUntil(async () => {
      const first = await client.workflow.start<typeof replayHostWorkflow>('replayHostWorkflow', {
        workflowId: pipelineWorkflowId(id), taskQueue,
        args: [{ spec, timing: { maxChunkMs: 400, progressIntervalMs: 100, closeProbeMs: 500 }, continueAsNewOnceRunning: true }],
      });
      const latest = client.workflow.getHandle(pipelineWorkflowId(id));
      await waitFor('a second run', async () => ((await latest.describe()).runId !== first.firstExecutionRunId ? true : undefined));
      await client.workflow.getHandle(replayWorkflowId(id)).terminate('operator terminated the replay');
      const ended = await waitFor('the terminated child to be seen', async () => {
        const p = await latest.query(replayProgressQuery);
        return p?.state === 'failed' ? p : undefined;
      });
      expect(ended.error).toMatch(/closed without a final report/);
      // Starting again works: the id is free and the new child is watched by this run.
      await latest.executeUpdate(startReplayUpdate, { args: [{ speedup: 'max' }] });
      const done = await waitFor('the new replay to complete', async () => {
        const p = await latest.query(replayProgressQuery);
        return p?.state === 'completed' ? p : undefined;
      });
      expect(done.eventsSent).toBe(1_500);
      await latest.signal(teardownSignal, {});
      await latest.result();
    });
    await connection.close();
  });

  it('starts a new replay requested right after a stop once the stopping one has ended', async () => {
    const id = `rr-${Date.now().toString(36)}`;
    const spec = resolveSpec({ id, stream: { name: `${id}-trips` }, replay: { source: slice.source, speedup: slice.spanMs / 20_000 } } as PipelineSpecInput, id);
    await createStream(kinesis, spec.stream.name, 1);
    const taskQueue = uniqueTaskQueue('replay');
    const connection = await NativeConnection.connect({ address: temporalAddress() });
    const worker = await Worker.create({
      connection, namespace: temporalNamespace(), taskQueue, workflowBundle: { codePath: bundlePath },
      activities: createReplayActivities({ kinesis, dataDir: slice.dataDir }),
    });
    await worker.runUntil(async () => {
      const handle = await client.workflow.start<typeof replayHostWorkflow>('replayHostWorkflow', {
        workflowId: pipelineWorkflowId(id), taskQueue,
        args: [{ spec, timing: { maxChunkMs: 1_000, progressIntervalMs: 100 } }],
      });
      await waitFor('first replay sending', async () => {
        const p = await handle.query(replayProgressQuery);
        return p?.state === 'running' && p.eventsSent > 0 ? true : undefined;
      });
      expect((await handle.executeUpdate(replayControlUpdate, { args: [{ action: 'stop' }] })).state).toBe('stopped');
      expect((await handle.executeUpdate(startReplayUpdate, { args: [{ speedup: 'max' }] })).state).toBe('pending');
      const done = await waitFor('second replay completed', async () => {
        const p = await handle.query(replayProgressQuery);
        return p?.state === 'completed' ? p : undefined;
      });
      expect(done).toMatchObject({ eventsSent: 1_500, speedup: 'max' });
      const counts = countIds(await readWholeStream(kinesis, spec.stream.name));
      expect(slice.ids.every((i) => (counts.get(i) ?? 0) >= 1)).toBe(true);
      const events = (await handle.query(eventsQuery)).map((e) => e.message);
      expect(events.some((m) => m.startsWith('Replay stopped'))).toBe(true);
      expect(events.some((m) => m.startsWith('Replay completed: 1500 events sent'))).toBe(true);
      // The second child was started once the first had closed, not while its id was still taken.
      expect(events.filter((m) => m.startsWith(`Replay child ${replayWorkflowId(id)} started`))).toHaveLength(2);
      expect(events.some((m) => m.includes('is already running'))).toBe(false);
      await handle.signal(teardownSignal, {});
      await handle.result();
    });
    await connection.close();
  });
});
