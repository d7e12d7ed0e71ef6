/**
 * Builds the API for tests against the run's real Temporal dev server, on a task queue
 * of the test file's own, so "no workflow was started" can be checked by counting the
 * workflows on that queue.
 */
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type AppConfig } from '../../../config/index.js';
import { buildApp } from '../../../api/app.js';
import { createTestClient, temporalAddress, temporalNamespace, uniqueTaskQueue } from '../../support/temporal.js';

export interface TestApi {
  app: FastifyInstance;
  client: Client;
  config: AppConfig;
  taskQueue: string;
  close(): Promise<void>;
}

export async function startTestApi(
  options: { env?: Record<string, string>; callTimeoutMs?: number; taskQueue?: string; namespace?: string } = {},
): Promise<TestApi> {
  const taskQueue = options.taskQueue ?? uniqueTaskQueue('api');
  const namespace = options.namespace ?? temporalNamespace();
  const config = loadConfig({
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const client = options.namespace === undefined
    ? await createTestClient()
    : new Client({ connection: await Connection.connect({ address: temporalAddress() }), namespace });
  const app = await buildApp({ config, temporalClient: client, callTimeoutMs: options.callTimeoutMs ?? 5_000 });
  await app.ready();
  return {
    app, client, config, taskQueue,
    async close() {
      await app.close();
      await client.connection.close();
    },
  };
}

/** Workflows started on a task queue; visibility lags a little behind, so callers wait on it when they expect some. */
export async function countWorkflowsOn(client: Client, taskQueue: string): Promise<number> {
  const { count } = await client.workflow.count(`TaskQueue = '${taskQueue}'`);
  return count;
}

/** Terminates what a test file left running, so the shared dev server stays quiet. */
export async function terminateAllOn(client: Client, taskQueue: string): Promise<void> {
  for await (const wf of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
    await client.workflow.getHandle(wf.workflowId, wf.runId).terminate('test cleanup').catch(() => undefined);
  }
}

export async function eventually<T>(fn: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}
