import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagedChild } from '../../scripts/processes.js';
import { scaleOverrideUpdate, teardownSignal } from '../../workflows/contract.js';
import { startWorkerProcess, until } from '../support/worker-process.js';
import {
  changeCalls, kinds, settledIn, startScalingE2E, startScalingPipeline, startWorker, waitForScaling, type ScalingE2E,
} from './scaling-harness.js';


let e2e: ScalingE2E;
let workerA: ManagedChild | undefined;
let stopWorkerB: (() => Promise<void>) | undefined;

beforeAll(async () => {
  // Slow resharding and restarts keep the action inside its waits long enough to crash the worker there.
  e2e = await startScalingE2E({ kinesis: { updateShardCountMs: 4000 }, flink: { updateApplicationMs: 2000 } }, { worker: false });
});
afterAll(async () => {
  workerA?.killNow();
  await stopWorkerB?.();
  await e2e?.close();
});

describe('a worker crash in the middle of a scaling action', () => {
  it('completes the action on a new worker with one UpdateShardCount and one UpdateApplication', { timeout: 240_000 }, async () => {
    const lines: string[] = [];
    workerA = await startWorkerProcess(e2e.taskQueue, e2e.cloud.emulator.url, lines);
    const handle = await startScalingPipeline(e2e, 'sc-crash', { shards: 4, parallelism: 1, scaling: { settleTimeoutSeconds: 120 } });
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 6, parallelism: 2, reason: 'crash test' }] });

    const reshards = () => changeCalls(e2e, 'sc-crash-trips').filter((c) => c.outcome === 'ok');
    await until('UpdateShardCount to be called', () => reshards().length > 0, 30_000);
    workerA.killNow();
    await workerA.exited;
    const stream = await e2e.cloud.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'sc-crash-trips' }));
    expect(stream.StreamDescriptionSummary?.StreamStatus).toBe('UPDATING');

    stopWorkerB = await startWorker(e2e.cloud, e2e.taskQueue);
    const { status, history } = await waitForScaling(
      e2e.client, handle.workflowId,
      (s, h) => settledIn(['RUNNING', 'DEGRADED'])(s) && h.some((r) => r.kind === 'verification' || r.kind === 'rollback'),
      'the action to finish on the new worker', 150_000,
    );
    expect(kinds(history)).toEqual(['override:ok', 'action:ok', 'verification:ok']);
    expect(status.capacity).toMatchObject({ shards: 6, parallelism: 2 });
    expect(changeCalls(e2e, 'sc-crash-trips')).toEqual([{ operation: 'UpdateShardCount', outcome: 'ok', target: 6 }]);
    expect(changeCalls(e2e, 'sc-crash-hotspots').map((c) => `${c.operation}:${c.outcome}`)).toEqual(['UpdateApplication:ok']);
    expect(status.shardUpdatesLast24h).toBe(1);
    await handle.signal(teardownSignal, { reason: 'test done' });
    await handle.result();
  });
});
