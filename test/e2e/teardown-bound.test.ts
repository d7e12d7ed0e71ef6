/**
 * Issue 10, behaviour 1 at its limit: teardown waits for a running scaling action only as long
 * as the longest action can take (docs/lifecycle.md), then cancels it. Against the real pipeline
 * workflow and the emulator, with AWS made unresponsive in the middle of an action: the action is
 * cancelled, nothing changes capacity once the application is being stopped, and the phase never
 * goes back from TEARING_DOWN. Slow by nature (the bound is over two minutes with the smallest
 * timeouts); its own file, so it runs beside the other e2e files.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsQuery, scaleOverrideUpdate, teardownSignal } from '../../workflows/contract.js';
import { longestActionSeconds } from '../../workflows/scaling/saga.js';
import { until } from '../activities/scaling/emulated.js';
import { startScalingE2E, startScalingPipeline, type ScalingE2E } from './scaling-harness.js';

let e2e: ScalingE2E;

beforeAll(async () => {
  // Resharding takes a minute, so the action is still settling when AWS stops answering.
  e2e = await startScalingE2E({ kinesis: { updateShardCountMs: 60_000 } });
});
afterAll(async () => {
  await e2e?.close();
});

const CHANGES = ['UpdateShardCount', 'UpdateApplication', 'RollbackApplication'];

function lifecycleCalls(id: string): string[] {
  return e2e.cloud.emulator.admin.calls()
    .filter((c) => [...CHANGES, 'StopApplication', 'DeleteApplication'].includes(c.operation) && JSON.stringify(c.params).includes(`"${id}-`))
    .map((c) => `${c.operation}:${c.outcome}`);
}

async function eventMessages(handle: WorkflowHandle): Promise<string[]> {
  return (await handle.query(eventsQuery)).map((e) => e.message);
}

describe('teardown while a scaling action outlives its bound', () => {
  it('cancels the action after the bound; nothing changes capacity once stopping began; the phase stays TEARING_DOWN then DELETED', { timeout: 420_000 }, async () => {
    const scaling = { settleTimeoutSeconds: 1, verifyTimeoutSeconds: 1 };
    const bound = longestActionSeconds(scaling);
    const handle = await startScalingPipeline(e2e, 'll-bound', { shards: 2, parallelism: 1, scaling });
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 3, reason: 'before AWS stops answering' }] });
    await until(async () => lifecycleCalls('ll-bound'), (calls) => calls.includes('UpdateShardCount:ok'), 'the reshard to be sent', 60_000);
    // AWS stops answering the stream's describe calls: every settle attempt (and a rollback's read) hangs.
    e2e.cloud.emulator.admin.injectFault({ kind: 'latency', operation: 'DescribeStreamSummary', latencyMs: 40_000 });
    await handle.signal(teardownSignal, { reason: 'decommissioned while AWS is slow' });

    const cancelling = `The scaling action still runs after ${bound} s (its longest bound); cancelling it`;
    const messages = await until(() => eventMessages(handle), (m) => m.includes(cancelling), 'teardown to cancel the action', (bound + 90) * 1000);
    expect(messages.some((m) => m.startsWith('Teardown requested: decommissioned'))).toBe(true);
    e2e.cloud.emulator.admin.clearFaults(); // Teardown itself needs the stream's describe calls.

    expect(await handle.result()).toMatchObject({ phase: 'DELETED' });
    const calls = lifecycleCalls('ll-bound');
    const stopping = calls.indexOf('StopApplication:ok');
    expect(stopping, calls.join(', ')).toBeGreaterThan(0);
    expect(calls.slice(0, stopping), 'before stopping: only the reshard').toEqual(['UpdateShardCount:ok']);
    expect(calls.slice(stopping).filter((c) => CHANGES.some((op) => c.startsWith(op))), 'capacity changes after StopApplication').toEqual([]);
    const trail = (await handle.query(eventsQuery)).flatMap((e) => (e.kind === 'phase' && typeof e.data?.to === 'string' ? [e.data.to] : []));
    expect(trail.slice(trail.indexOf('TEARING_DOWN')), trail.join(' → ')).toEqual(['TEARING_DOWN', 'DELETED']);
  });
});
