import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REPLAY_TIMING, replayStateQuery, type ReplayRunState } from '../../workflows/replay/messages.js';
import type { replayWorkflow } from '../../workflows/replay/workflow.js';
import { kinesisClient, startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { createTestClient, temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal.js';
import { bundleHostWorkflows, createStream, sampleSlice, waitFor, type Slice } from './fixtures/harness.js';
import { countIds, readWholeStream } from './read-back.js';

const WORKER = resolve(import.meta.dirname, 'fixtures/worker.ts');

/** Starts the replay worker in its own process and resolves once it polls. */
async function startWorkerProcess(args: object): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await new Promise<void>((ready, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('worker ready')) ready();
    });
    child.once('exit', (code) => fail(new Error(`worker exited (${code}) before it was ready: ${stderr}`)));
  });
  return child;
}

describe('replay after a worker crash', () => {
  let emulator: TestEmulator;
  let kinesis: KinesisClient;
  let client: Client;
  let bundlePath: string;
  let slice: Slice;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    [emulator, client, bundlePath, slice] = await Promise.all([
      startTestEmulator(), createTestClient(), bundleHostWorkflows(), sampleSlice(3_000),
    ]);
    kinesis = kinesisClient(emulator);
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    kinesis?.destroy();
    await client?.connection.close();
    await emulator?.stop();
    await rm(slice.dataDir, { recursive: true, force: true });
  });

  it('resumes from the last heartbeat, not from the start, and still delivers every event', async () => {
    const streamName = `crash-${Date.now().toString(36)}`;
    await createStream(kinesis, streamName, 2);
    const taskQueue = uniqueTaskQueue('replay-crash');
    const workerArgs = {
      address: temporalAddress(), namespace: temporalNamespace(), taskQueue, bundlePath,
      emulatorUrl: emulator.url, dataDir: slice.dataDir,
    };
    workers.push(await startWorkerProcess(workerArgs));

    const input: ReplayRunState = {
      pipelineId: streamName,
      parentWorkflowId: `pipeline-none-${streamName}`,
      streamName,
      source: slice.source,
      // About eight seconds for the whole slice, in one chunk: only heartbeats record the position.
      speedup: slice.spanMs / 8_000,
      paused: false,
      stopRequested: false,
      timing: { ...DEFAULT_REPLAY_TIMING, maxChunkMs: 120_000, heartbeatTimeoutMs: 4_000 },
      summary: null, checkpoint: null, anchor: null, eventsPerSecond: 0, startedAt: null, resumedFromHeartbeat: 0,
    };
    const handle = await client.workflow.start<typeof replayWorkflow>('replayWorkflow', {
      workflowId: `replay-${streamName}`, taskQueue, args: [input],
    });

    const before = await waitFor('a good part of the replay sent', async () => {
      const n = (await readWholeStream(kinesis, streamName)).length;
      return n >= 1_000 ? n : undefined;
    });
    workers[0]!.kill('SIGKILL');
    await new Promise((r) => workers[0]!.once('exit', r));
    const atKill = (await readWholeStream(kinesis, streamName)).length;
    expect(atKill).toBeGreaterThanOrEqual(before);
    expect(atKill).toBeLessThan(slice.ids.length);

    workers.push(await startWorkerProcess(workerArgs));
    const result = await handle.result();
    expect(result.state).toBe('completed');
    expect(result.eventsSent).toBe(slice.ids.length);
    expect((await handle.query(replayStateQuery)).resumedFromHeartbeat).toBeGreaterThanOrEqual(1);

    const got = await readWholeStream(kinesis, streamName);
    const counts = countIds(got);
    expect(counts.size).toBe(slice.ids.length);
    expect(slice.ids.every((id) => (counts.get(id) ?? 0) >= 1)).toBe(true);
    // Resumed from the heartbeat: only what was sent after it comes twice — one contiguous run of the source
    // that starts past its beginning (a restart would resend everything from event 0) and ends before the kill.
    // How long that run is depends on how late the last heartbeat reached the server (at most 1 s apart, more
    // on a loaded machine), so its length is not bounded here.
    const duplicates = got.length - slice.ids.length;
    expect(duplicates).toBeLessThan(atKill);
    const duplicated = slice.ids.map((id, i) => ((counts.get(id) ?? 0) > 1 ? i : -1)).filter((i) => i >= 0);
    if (duplicated.length > 0) {
      expect(duplicated[0], 'the resume point (first event sent twice) is past the start').toBeGreaterThan(0);
      expect(duplicated[duplicated.length - 1]! - duplicated[0]! + 1).toBe(duplicated.length);
      expect(duplicated[duplicated.length - 1]!).toBeLessThan(atKill);
    }
    expect([...counts.values()].every((n) => n <= 2)).toBe(true);
  });
});
