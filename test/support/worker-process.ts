/**
 * The real worker entry point (`workers/main.ts`) in its own process group, so crash
 * tests can SIGKILL it like a failed host and start another.
 */
import { resolve } from 'node:path';
import { ManagedChild } from '../../scripts/processes.js';
import { TEST_REGION } from './emulator.js';
import { productWorkflowBundle } from './product-bundle.js';
import { temporalAddress, temporalNamespace } from './temporal.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Polls `check` every 50 ms until it is true; throws naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts the worker on `taskQueue` against the emulator at `emulatorUrl`; resolves once it polls.
 * It runs the run's bundle of workflows/ rather than bundling at start (test/support/product-bundle.ts).
 */
export async function startWorkerProcess(
  taskQueue: string, emulatorUrl: string, lines: string[], extraEnv: Record<string, string> = {},
): Promise<ManagedChild> {
  const child = new ManagedChild({
    name: 'worker',
    command: process.execPath,
    args: ['--import', 'tsx', 'workers/main.ts'],
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_NAMESPACE: temporalNamespace(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      AWS_ENDPOINT_URL: emulatorUrl,
      AWS_REGION: TEST_REGION,
      LOG_LEVEL: 'warn',
      SHARDPILOT_WORKFLOW_BUNDLE: await productWorkflowBundle(),
      ...extraEnv,
    },
    onLine: (line) => lines.push(line),
  });
  await until('the worker process to poll', () => {
    if (child.exit) throw new Error(`worker exited early: ${lines.join('\n')}`);
    return lines.some((l) => l.includes('worker ready'));
  }, 120_000);
  return child;
}
