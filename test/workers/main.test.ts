import { resolve } from 'node:path';
import type { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { ManagedChild, type ExitInfo } from '../../scripts/processes.js';
import { productWorkflowBundle } from '../support/product-bundle.js';
import { createTestClient, temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal.js';
import { startPipeline, testSpec } from '../workflows/lifecycle-harness.js';

const ROOT = resolve(import.meta.dirname, '../..');

function workerProcess(env: Record<string, string>, lines: string[]): ManagedChild {
  return new ManagedChild({
    name: 'worker',
    command: process.execPath,
    args: ['--import', 'tsx', 'workers/main.ts'],
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
    onLine: (line) => lines.push(line),
  });
}

async function waitForLine(child: ManagedChild, lines: string[], text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!lines.some((l) => l.includes(text))) {
    if (child.exit) throw new Error(`worker exited before "${text}": ${lines.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" after ${timeoutMs} ms: ${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('worker process (workers/main.ts)', () => {
  it('refuses a bad configuration in one line naming the variable, before connecting anywhere', async () => {
    const lines: string[] = [];
    const child = workerProcess({ TEMPORAL_ADDRESS: 'not an address' }, lines);
    const exit: ExitInfo = await child.exited;
    expect(exit.code).toBe(1);
    expect(lines.filter((l) => l.includes('TEMPORAL_ADDRESS'))).toEqual([
      'Invalid configuration: TEMPORAL_ADDRESS="not an address" — must be host:port, e.g. 127.0.0.1:7233',
    ]);
  });

  it('says "worker ready" once it polls, and drains and exits 0 on SIGTERM', { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const child = workerProcess(
      {
        TEMPORAL_ADDRESS: temporalAddress(),
        TEMPORAL_NAMESPACE: temporalNamespace(),
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('worker-main'),
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      },
      lines,
    );
    try {
      await waitForLine(child, lines, 'worker ready', 90_000);
      const exit = await child.stop(15_000);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(lines.some((l) => l.includes('SIGTERM: draining the worker'))).toBe(true);
      expect(lines.at(-1)).toContain('worker stopped');
    } finally {
      child.killNow();
    }
  });

  it('carries its build id: in the start-up line, and in the identity on every workflow task it completes', { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const taskQueue = uniqueTaskQueue('worker-build');
    const child = workerProcess(
      {
        TEMPORAL_ADDRESS: temporalAddress(),
        TEMPORAL_NAMESPACE: temporalNamespace(),
        TEMPORAL_TASK_QUEUE: taskQueue,
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        SHARDPILOT_BUILD_ID: 'release-2026.12.1',
        // The run's bundle of workflows/; the test above covers bundling at start.
        SHARDPILOT_WORKFLOW_BUNDLE: await productWorkflowBundle(),
      },
      lines,
    );
    const client = await createTestClient();
    try {
      await waitForLine(child, lines, 'worker ready', 90_000);
      expect(lines.find((l) => l.includes('worker ready'))).toMatch(/as build release-2026\.12\.1 \(Worker Deployment shardpilot\)/);
      // Any workflow shows it; provisioning against an unreachable endpoint just retries in an activity.
      const handle = await startPipeline(client, taskQueue, testSpec(`build-${Date.now().toString(36)}`));
      let completed: temporal.api.history.v1.IWorkflowTaskCompletedEventAttributes | undefined;
      const deadline = Date.now() + 30_000;
      while (completed === undefined && Date.now() < deadline) {
        const history = await handle.fetchHistory();
        completed = history.events?.find((e) => e.workflowTaskCompletedEventAttributes)?.workflowTaskCompletedEventAttributes ?? undefined;
        if (completed === undefined) await new Promise((r) => setTimeout(r, 200));
      }
      await handle.terminate('test done');
      // The identity is what the UI shows on each task event and in the task queue's pollers.
      expect(completed?.identity).toMatch(/ shardpilot:release-2026\.12\.1$/);
    } finally {
      await client.connection.close();
      await child.stop(15_000);
    }
  });
});
