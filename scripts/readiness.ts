/**
 * Readiness checks of the local stack: each polls until the component answers, and gives
 * up early when the component's process has already exited.
 */
import { createConnection } from 'node:net';
import { Connection } from '@temporalio/client';
// CommonJS package: its namespaces are reachable only through the default export under ESM.
import proto from '@temporalio/proto';
import { connectionOptions, sleep, type TemporalTarget, type WaitOptions } from './dev-server.js';

async function poll(what: string, options: WaitOptions, probe: () => Promise<string | true>): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const abandoned = options.abandoned?.();
    if (abandoned !== undefined) throw new Error(abandoned);
    try {
      const result = await probe();
      if (result === true) return;
      last = result;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(250);
  }
  throw new Error(`${what} not ready after ${options.timeoutMs} ms: ${last}`);
}

/** Ready when the URL answers 200. */
export async function waitForHttp(url: string, options: WaitOptions): Promise<void> {
  await poll(url, options, async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status === 200 ? true : `HTTP ${response.status}`;
  });
}

/** Ready when at least one worker polls the task queue for workflow tasks. */
export async function waitForWorker(target: TemporalTarget, namespace: string, taskQueue: string, options: WaitOptions): Promise<void> {
  const connection = await Connection.connect(connectionOptions(target));
  try {
    await poll(`worker on task queue ${taskQueue}`, options, async () => {
      const { pollers } = await connection.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue, kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      return pollers && pollers.length > 0 ? true : 'no poller yet';
    });
  } finally {
    await connection.close();
  }
}

/** True when something already listens on host:port (e.g. a stack that is still running). */
export async function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}
