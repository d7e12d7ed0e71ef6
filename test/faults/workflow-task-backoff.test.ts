/**
 * After a crash loop, how long a workflow task waits for its next attempt. From the 4th
 * attempt on, Temporal lengthens each attempt's start-to-close timeout (5 s · 2^(attempt − 4),
 * jittered 20 % down) up to history.workflowTaskRetryMaxInterval: 10 minutes by default,
 * 1 minute as shardpilot runs its servers (config/temporal/dynamic-config.yaml, which the dev
 * server gets too: scripts/dev-server.ts). The
 * crash loop here is a poller that takes each attempt and never answers, exactly what a worker
 * SIGKILLed mid-task leaves behind, with a 1 s task timeout so that seven attempts take about
 * 70 s instead of two minutes. The 8th attempt's timeout (read from the history once it is
 * answered) is where the bound shows: 1 s + 64–80 s by default, at most 1 s + 60 s with it.
 * The run's dev server is started by test/support/global-setup.ts with devServerArgs.
 */
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueTaskQueue } from '../support/temporal.js';

const NORMAL = temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL;

let connection: Connection;
let client: Client;
beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection, namespace: inject('temporalNamespace') });
});
afterAll(async () => {
  await connection?.close();
});

describe('workflow task retries after a crash loop', () => {
  it('are at most a minute apart from the 8th attempt on (by default: up to 10 minutes)', { timeout: 300_000 }, async () => {
    const namespace = inject('temporalNamespace');
    const taskQueue = uniqueTaskQueue('wft-backoff');
    const handle = await client.workflow.start('crashLoop', { taskQueue, workflowId: taskQueue, workflowTaskTimeout: '1s' });
    const attempts: number[] = [];
    try {
      for (;;) {
        const task = await connection.withDeadline(Date.now() + 70_000, () => connection.workflowService.pollWorkflowTaskQueue({
          namespace, taskQueue: { name: taskQueue, kind: NORMAL }, identity: 'crash-looping worker',
        }));
        if (!task.taskToken?.length) continue;
        attempts.push(task.attempt ?? 0);
        if ((task.attempt ?? 0) < 8) continue; // taken and never answered: it times out
        // Answered, the 8th attempt is written to the history with the timeout it was given.
        await connection.workflowService.respondWorkflowTaskCompleted({ namespace, taskToken: task.taskToken, identity: 'recovered worker', commands: [] });
        break;
      }
      const history = await handle.fetchHistory();
      const eighth = (history.events ?? []).map((e) => e.workflowTaskScheduledEventAttributes).find((a) => a?.attempt === 8);
      expect(attempts, 'each attempt reached the poller in turn').toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(eighth, 'the 8th attempt is in the history').toBeDefined();
      const timeoutSeconds = Number(eighth?.startToCloseTimeout?.seconds ?? 0) + (eighth?.startToCloseTimeout?.nanos ?? 0) / 1e9;
      expect(timeoutSeconds, `the 8th attempt's start-to-close timeout (s): 1 s + the backoff, bounded at 60 s`).toBeLessThanOrEqual(61);
      // Still backing off (not turned off): a worker that crashes on every attempt is not hammered.
      expect(timeoutSeconds).toBeGreaterThanOrEqual(1 + 48);
    } finally {
      await handle.terminate('test over').catch(() => undefined);
    }
  });
});
