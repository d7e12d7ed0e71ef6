/**
 * A query that reaches a replacement worker before the workflow task does must not run the
 * workflow at a stale time (workflows/stale-activation.ts says why and how).
 *
 * The sequence is the one that wedged a pipeline in a fault run
 * (test/faults/fixtures/nondeterminism-after-kill.json): the worker is SIGKILLed while a
 * workflow's timer runs; a query sent then waits on the dead worker's sticky queue for its
 * 10 s schedule-to-start timeout; the timer fires meanwhile; the query then goes to the
 * replacement worker with the whole history, timer firing included, before the workflow task
 * does. Without the guard the replacement runs the code after the timer at the last task's time
 * (0 ms after the workflow's start) and later sends that run's commands; the history then fails
 * to replay. With it, the query is refused, and the workflow task runs the code at its own time.
 */
import { Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ManagedChild } from '../../scripts/processes.js';
import { fixtureClockQuery } from '../fixtures/workflows/clock-after-timer.js';
import { createTestClient, quietRuntime, uniqueTaskQueue } from '../support/temporal.js';
import { startWorkerProcess, until } from '../support/worker-process.js';

/** The worker does not call AWS before a workflow asks it to; nothing listens here. */
const NO_AWS = 'http://127.0.0.1:9';
const TIMER_MS = 6_000;
/** The workflow task that runs the code after the timer starts at least 10 s later (the dead sticky queue's timeout). */
const LATE_MS = 5_000;

describe('a query reaching a replacement worker before the workflow task', () => {
  let client: Client;
  const workers: ManagedChild[] = [];
  const lines: string[] = [];
  // The shared bundle of the run: the fixture workflows with the product's workflow interceptors.
  const env = { SHARDPILOT_WORKFLOW_BUNDLE: inject('workflowBundlePath') };

  beforeAll(async () => {
    client = await createTestClient();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop(5_000)));
    await client?.connection.close();
  });

  it('is refused, and the workflow task runs the code after the timer at its own time', { timeout: 120_000 }, async () => {
    const taskQueue = uniqueTaskQueue('stale-activation');
    const first = await startWorkerProcess(taskQueue, NO_AWS, lines, env);
    workers.push(first);
    const handle = await client.workflow.start('fixtureClockAfterTimerWorkflow', {
      taskQueue, workflowId: taskQueue, args: [TIMER_MS, LATE_MS],
    });
    const startedAt = Date.now();
    await until('the timer to start', async () => (await handle.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes) ?? false, 30_000);

    first.killNow();
    // No workflow task is pending, so the server sends the query straight to the dead worker's sticky queue.
    const query = client.connection.withDeadline(Date.now() + 60_000, () => handle.query(fixtureClockQuery))
      .then((value) => ({ answered: value }), (err: unknown) => ({ refused: err instanceof Error ? err.message : String(err) }));

    // The replacement starts only after the timer has fired, so the query cannot reach it earlier.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + TIMER_MS + 1_000 - Date.now())));
    workers.push(await startWorkerProcess(taskQueue, NO_AWS, lines, env));

    const outcome = await query;
    expect(outcome, 'the query ran on the timer firing no workflow task had started').toEqual({
      refused: expect.stringMatching(/timer \d+ fired at workflow time .* before its deadline/),
    });
    expect(await handle.result(), 'the code after the timer ran at the workflow task\'s time').toBe('on time');

    quietRuntime();
    const history = await handle.fetchHistory();
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') }, replayName: 'stale-activation' }, history, taskQueue))
      .resolves.toBeUndefined();
  });
});
